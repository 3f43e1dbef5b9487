// Lead rules the UI needs without React: the status moves the server allows,
// the PATCH body of an edit, the duplicate check's query and the list's sort.
import dayjs, { type Dayjs } from 'dayjs';
import { ApiError } from './api';
import type { Lead, LeadMatch, LeadStatus } from './types';

export const LEAD_STATUSES: LeadStatus[] = ['new', 'contacted', 'qualified', 'converted', 'disqualified'];

/** The open statuses in their only direction: new → contacted → qualified. */
const OPEN_ORDER: LeadStatus[] = ['new', 'contacted', 'qualified'];

/**
 * The statuses a lead may move to from `status` by an edit (the server's rule):
 * forward through the open statuses, disqualified from any open status,
 * a disqualified lead back to new only; converted is reached by conversion, never by an edit.
 */
export function nextStatuses(status: LeadStatus): LeadStatus[] {
  if (status === 'converted') return [];
  if (status === 'disqualified') return ['new'];
  const i = OPEN_ORDER.indexOf(status);
  if (i < 0) return [];
  return [...OPEN_ORDER.slice(i + 1), 'disqualified'];
}

/** What the status control offers: the current status first, then the allowed moves. */
export function statusChoices(status: LeadStatus): LeadStatus[] {
  return [status, ...nextStatuses(status)];
}

export function leadStatusColor(status: string): string {
  switch (status) {
    case 'new':
      return 'blue';
    case 'contacted':
      return 'cyan';
    case 'qualified':
      return 'green';
    case 'converted':
      return 'purple';
    case 'disqualified':
      return 'default';
    default:
      return 'default';
  }
}

export interface LeadFormValues {
  contact_name: string;
  company?: string;
  title?: string;
  phone?: string;
  email?: string;
  wechat?: string;
  source?: string;
  region?: string;
  industry?: string;
  score?: number | null;
  notes?: string;
  next_follow_up_at?: Dayjs | null;
  owner_id?: string | null;
  status?: LeadStatus;
  disqualify_reason?: string;
}

const TEXT_FIELDS = ['contact_name', 'company', 'title', 'phone', 'email', 'wechat', 'source', 'region', 'industry'] as const;

const trim = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** The POST body of a new lead: trimmed text, empty values left out. */
export function createLeadBody(values: LeadFormValues, allowDuplicate = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of TEXT_FIELDS) {
    const v = trim(values[k]);
    if (v) out[k] = v;
  }
  if (values.notes && values.notes.trim()) out.notes = values.notes;
  if (typeof values.score === 'number') out.score = values.score;
  if (values.next_follow_up_at) out.next_follow_up_at = values.next_follow_up_at.toISOString();
  if (values.owner_id) out.owner_id = values.owner_id;
  if (allowDuplicate) out.allow_duplicate = true;
  return out;
}

/**
 * The PATCH body of an edit: only what differs from `lead`. A status move carries the
 * disqualify reason when it disqualifies; a disqualified lead's reason may change alone.
 */
export function changedLeadFields(lead: Lead, values: LeadFormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of TEXT_FIELDS) {
    if (values[k] === undefined) continue;
    const v = trim(values[k]);
    if (v !== (lead[k] ?? '')) out[k] = v;
  }
  if (values.notes !== undefined && (values.notes ?? '') !== (lead.notes ?? '')) out.notes = values.notes ?? '';
  if (values.score !== undefined) {
    const score = typeof values.score === 'number' ? values.score : 0;
    if (score !== lead.score) out.score = score;
  }
  // The API cannot clear a follow-up date (null means "unchanged"), so only a new date is sent.
  if (values.next_follow_up_at) {
    const next = values.next_follow_up_at.toISOString();
    if (!lead.next_follow_up_at || !dayjs(lead.next_follow_up_at).isSame(values.next_follow_up_at)) out.next_follow_up_at = next;
  }
  // The owner is not edited here: a change of owner is an assignment with a reason (POST /leads/{id}/assign).
  const status = values.status ?? lead.status;
  const reason = trim(values.disqualify_reason);
  if (status !== lead.status) {
    out.status = status;
    if (status === 'disqualified') out.disqualify_reason = reason;
  } else if (status === 'disqualified' && values.disqualify_reason !== undefined && reason !== lead.disqualify_reason) {
    out.disqualify_reason = reason;
  }
  return out;
}

/**
 * The query of the live duplicate check, from what has been typed so far: a phone with
 * at least 7 digits, something that looks like an email, a company of 2 characters or more.
 * null when nothing is worth asking about.
 */
export function duplicateQuery(values: Pick<LeadFormValues, 'phone' | 'email' | 'company'>): { phone?: string; email?: string; company?: string } | null {
  const out: { phone?: string; email?: string; company?: string } = {};
  const phone = trim(values.phone);
  if (phone.replace(/\D/g, '').length >= 7 && phone.length <= 30) out.phone = phone;
  const email = trim(values.email);
  if (/^[^@\s]+@[^@\s]+$/.test(email) && email.length <= 254) out.email = email;
  const company = trim(values.company);
  if ([...company].length >= 2 && [...company].length <= 100) out.company = company;
  return Object.keys(out).length ? out : null;
}

/** The matches of a create refused as a possible duplicate (409 with duplicates), else null. */
export function duplicatesOf(err: unknown): LeadMatch[] | null {
  if (!(err instanceof ApiError) || err.status !== 409) return null;
  const d = err.body?.duplicates;
  return Array.isArray(d) ? (d as LeadMatch[]) : null;
}

export type LeadSort = 'created_at' | '-created_at' | 'last_follow_up_at' | '-last_follow_up_at' | 'score' | '-score';
export const DEFAULT_LEAD_SORT: LeadSort = '-created_at';
const SORTABLE = ['created_at', 'last_follow_up_at', 'score'];

/** A table sorter change as the API's sort; no order goes back to the default (newest first). */
export function sortFromTable(columnKey: unknown, order: 'ascend' | 'descend' | null | undefined): LeadSort {
  if (!order || typeof columnKey !== 'string' || !SORTABLE.includes(columnKey)) return DEFAULT_LEAD_SORT;
  return (order === 'descend' ? '-' + columnKey : columnKey) as LeadSort;
}

/** The sort order a column shows for the current sort. */
export function sortOrderOf(sort: LeadSort, columnKey: string): 'ascend' | 'descend' | null {
  if (sort === columnKey) return 'ascend';
  if (sort === '-' + columnKey) return 'descend';
  return null;
}

/** A range of days (inclusive, the browser's time zone) as created_from / created_to (exclusive). */
export function dayRangeQuery(from?: Dayjs | null, to?: Dayjs | null): { created_from?: string; created_to?: string } {
  const out: { created_from?: string; created_to?: string } = {};
  if (from) out.created_from = from.startOf('day').toISOString();
  if (to) out.created_to = to.startOf('day').add(1, 'day').toISOString();
  return out;
}

/** A range of days on the last recorded follow-up, as last_follow_up_from / last_follow_up_to (exclusive). */
export function lastFollowUpQuery(from?: Dayjs | null, to?: Dayjs | null): { last_follow_up_from?: string; last_follow_up_to?: string } {
  const r = dayRangeQuery(from, to);
  const out: { last_follow_up_from?: string; last_follow_up_to?: string } = {};
  if (r.created_from) out.last_follow_up_from = r.created_from;
  if (r.created_to) out.last_follow_up_to = r.created_to;
  return out;
}
