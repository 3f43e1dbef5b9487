// The lead import wizard's shapes and pure rules: the column mapping, progress and the error report.
import { API_BASE, ApiError, type Problem } from './api';

export type DuplicatePolicy = 'skip' | 'update' | 'create';
export const DUPLICATE_POLICIES: DuplicatePolicy[] = ['skip', 'update', 'create'];

export type ImportStatus = 'uploaded' | 'running' | 'done' | 'failed' | 'cancelled';

export interface ImportJob {
  id: string;
  file_name: string;
  format: 'csv' | 'xlsx';
  encoding: string;
  status: ImportStatus;
  columns: string[];
  mapping: Record<string, string>;
  duplicate_policy: DuplicatePolicy;
  total_rows: number;
  processed_rows: number;
  created_rows: number;
  updated_rows: number;
  skipped_rows: number;
  error_rows: number;
  failure?: string;
  created_at: string;
  finished_at?: string | null;
  version: number;
}

export interface Uploaded {
  import: ImportJob;
  header: string[];
  preview: string[][];
  /** Column index → lead field. */
  suggested_mapping: Record<string, string> | null;
  fields: string[];
}

/** Column index ("0", "1", …) → lead field; "" ignores the column. */
export type ColumnMapping = Record<string, string>;

/** One entry per column: the suggested field, or "" (ignored). */
export function initialMapping(header: string[], suggested: Record<string, string> | null | undefined, fields: string[]): ColumnMapping {
  const known = new Set(fields);
  const out: ColumnMapping = {};
  header.forEach((_, i) => {
    const f = suggested?.[String(i)] ?? '';
    out[String(i)] = known.has(f) ? f : '';
  });
  return out;
}

/** Maps column `col` to `field`; a field can come from one column only, so another column holding it lets go. */
export function setColumn(m: ColumnMapping, col: string, field: string): ColumnMapping {
  const out: ColumnMapping = {};
  for (const [k, v] of Object.entries(m)) out[k] = field && v === field && k !== col ? '' : v;
  out[col] = field;
  return out;
}

/** What stops the import from starting: contact_name is not mapped. */
export function mappingProblem(m: ColumnMapping): 'noContactName' | null {
  return Object.values(m).includes('contact_name') ? null : 'noContactName';
}

export function isFinished(j: ImportJob): boolean {
  return j.status === 'done' || j.status === 'failed' || j.status === 'cancelled';
}

/** Percent of the rows processed (100 once finished). */
export function progressPercent(j: ImportJob): number {
  if (isFinished(j)) return 100;
  if (!j.total_rows) return 0;
  return Math.min(100, Math.floor((j.processed_rows * 100) / j.total_rows));
}

export function errorReportUrl(id: string): string {
  return `${API_BASE}/imports/${id}/errors.csv`;
}

export interface ImportRowError {
  row: number;
  field: string;
  value: string;
  message: string;
  /** error: the row was refused; duplicate: it matched an existing lead or customer (or an earlier row). */
  kind: 'error' | 'duplicate';
}

/** Splits CSV text (RFC 4180: quotes, doubled quotes, newlines in quotes) into rows. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const src = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** The per-row report (header row, field, value, message, kind) as rows. */
export function parseErrorReport(text: string): ImportRowError[] {
  const rows = parseCsv(text);
  return rows
    .slice(1)
    .filter((r) => r.length >= 4)
    .map((r) => ({ row: Number(r[0]), field: r[1], value: r[2], message: r[3], kind: r[4] === 'duplicate' ? 'duplicate' : 'error' }));
}

/** The report's first rows: reads at most maxBytes and drops a cut-off last line, so a huge report is never fetched whole. */
export async function fetchReportHead(id: string, maxBytes: number, signal: AbortSignal): Promise<ImportRowError[]> {
  const res = await fetch(errorReportUrl(id), { credentials: 'same-origin', signal });
  if (!res.ok || !res.body) return [];
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let text = '';
  let complete = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      complete = true;
      break;
    }
    text += dec.decode(value, { stream: true });
    if (text.length >= maxBytes) {
      await reader.cancel();
      break;
    }
  }
  if (!complete) text = text.slice(0, text.lastIndexOf('\n') + 1);
  return parseErrorReport(text);
}

/** The imports of the list, newest first. */
export interface ImportPage {
  items: ImportJob[];
  next_cursor?: string;
}

/** Uploads a file as multipart/form-data (the JSON request helper cannot send a form). */
export async function uploadImport(file: File, lang: string): Promise<Uploaded> {
  const form = new FormData();
  form.append('file', file, file.name);
  const res = await fetch(`${API_BASE}/imports`, {
    method: 'POST',
    body: form,
    credentials: 'same-origin',
    headers: { Accept: 'application/json, application/problem+json', 'Accept-Language': lang },
  });
  const text = await res.text();
  if (!res.ok) {
    let problem: Problem = {};
    try {
      problem = JSON.parse(text) as Problem;
    } catch {
      problem = { detail: text.slice(0, 300) };
    }
    throw new ApiError(res.status, problem);
  }
  return JSON.parse(text) as Uploaded;
}
