// Web-to-lead forms: the API's shapes and the pure helpers the admin page uses.

export type WebFormTarget = 'rules' | 'pool';

export interface WebForm {
  id: string;
  name: string;
  enabled: boolean;
  target: WebFormTarget;
  pool_id: string;
  default_source: string;
  default_industry: string;
  default_region: string;
  rate_limit_per_hour: number;
  token: string;
  /** The public page, /f/{token}. */
  path: string;
  submissions: number;
  spam_blocked: number;
  created_at: string;
  updated_at: string;
  version: number;
}

/** The absolute link of a form's public page, for copying into the tenant's website. */
export function webFormLink(f: Pick<WebForm, 'path'>, origin: string): string {
  return origin.replace(/\/+$/, '') + f.path;
}

/** A lead a form made (GET /web-forms/{id}/submissions), newest first. */
export interface WebFormSubmission {
  id: string;
  form_id: string;
  lead_id: string;
  /** Existing leads or customers that shared a phone, email or company when it came in. */
  duplicates: number;
  ip: string;
  created_at: string;
  /** False when the lead was deleted or is outside my data scope: then the fields below are empty. */
  lead_visible: boolean;
  contact_name: string;
  company: string;
  phone: string;
}

/** What the create and edit dialog holds. */
export interface WebFormValues {
  name: string;
  target: WebFormTarget;
  pool_id: string;
  default_source?: string;
  default_industry?: string;
  default_region?: string;
  rate_limit_per_hour?: number | null;
}

const TEXT_FIELDS = ['name', 'default_source', 'default_industry', 'default_region'] as const;

/** The dialog's starting values: a form's, or a new form's defaults. */
export function webFormValues(f?: WebForm | null): Partial<WebFormValues> {
  if (!f) return { target: 'rules', rate_limit_per_hour: 100 };
  return {
    name: f.name,
    target: f.target,
    pool_id: f.pool_id,
    default_source: f.default_source,
    default_industry: f.default_industry,
    default_region: f.default_region,
    rate_limit_per_hour: f.rate_limit_per_hour,
  };
}

/** The create body: trimmed text, empty defaults left out (the server's defaults apply). */
export function createWebFormBody(v: WebFormValues): Record<string, unknown> {
  const body: Record<string, unknown> = { target: v.target, pool_id: v.pool_id };
  for (const k of TEXT_FIELDS) {
    const s = (v[k] ?? '').trim();
    if (s) body[k] = s;
  }
  if (v.rate_limit_per_hour) body.rate_limit_per_hour = v.rate_limit_per_hour;
  return body;
}

/**
 * The PATCH body: only what differs from the form as loaded, so a save never
 * overwrites a field nobody touched. An emptied default is sent as "" (cleared);
 * an emptied rate limit is left as it was (the API has no "no limit").
 */
export function webFormPatch(f: WebForm, v: WebFormValues): Partial<Record<keyof WebFormValues, unknown>> {
  const out: Partial<Record<keyof WebFormValues, unknown>> = {};
  for (const k of TEXT_FIELDS) {
    const s = (v[k] ?? '').trim();
    if (s !== f[k]) out[k] = s;
  }
  if (v.target !== f.target) out.target = v.target;
  if (v.pool_id && v.pool_id !== f.pool_id) out.pool_id = v.pool_id;
  if (v.rate_limit_per_hour && v.rate_limit_per_hour !== f.rate_limit_per_hour) out.rate_limit_per_hour = v.rate_limit_per_hour;
  return out;
}


/** Bulk lead actions (POST /leads/bulk). */
export type BulkLeadAction = 'assign' | 'move_to_pool' | 'delete';

export interface BulkLeadRequest {
  action: BulkLeadAction;
  ids?: string[];
  filter?: Record<string, string>;
  owner_id?: string;
  pool_id?: string;
  reason?: string;
}

/** The leads a bulk action is about: chosen rows, or every lead the list's filters match. */
export type BulkTarget = { ids: string[] } | { filter: Record<string, unknown> };

/** The list filters as a bulk filter: set values only, no sort or paging. */
export function bulkFilter(params: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    if (k === 'sort' || k === 'cursor' || k === 'limit' || v === undefined || v === null || v === '') continue;
    out[k] = String(v);
  }
  return out;
}

/** The bulk request for the target; undefined fields are left out of the JSON. */
export function bulkRequest(action: BulkLeadAction, target: BulkTarget, extra: { owner_id?: string | null; pool_id?: string | null; reason?: string }): BulkLeadRequest {
  const body: BulkLeadRequest = 'ids' in target ? { action, ids: target.ids } : { action, filter: bulkFilter(target.filter) };
  if (action === 'assign' && extra.owner_id) body.owner_id = extra.owner_id;
  if (action === 'move_to_pool' && extra.pool_id) body.pool_id = extra.pool_id;
  if (action !== 'delete') body.reason = (extra.reason ?? '').trim();
  return body;
}
