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
