// Public pools (公海): the API's shapes and the pure rules the pools page and its admin panel use.
import { ApiError } from './api';

/** What a pool holds. Customer pools need the tenant setting customer_pools_enabled. */
export type PoolKind = 'lead' | 'customer';

export interface Pool {
  id: string;
  kind?: PoolKind;
  department_id: string;
  department_name: string;
  name: string;
  /** A member may claim while holding fewer open leads than this; 0: no limit. */
  claim_limit: number;
  return_after_days_no_follow_up: number;
  return_after_days_no_conversion: number;
  reclaim_cooldown_days: number;
  enabled: boolean;
  member_ids: string[];
  created_at: string;
  updated_at: string;
  version: number;
}

/** A pooled lead as members see it before claiming: no contact details. */
export interface PoolLead {
  id: string;
  contact_name: string;
  company: string;
  title: string;
  source: string;
  region: string;
  industry: string;
  status: string;
  score: number;
  pool_id?: string | null;
  pooled_at?: string | null;
  last_follow_up_at?: string | null;
  created_at: string;
  version: number;
}

/** A pooled customer as members see it before claiming: no phone, email or address. */
export interface PoolCustomer {
  id: string;
  name: string;
  industry: string;
  size: string;
  region: string;
  source: string;
  grade?: string | null;
  score: number;
  key_customer: boolean;
  pool_id?: string | null;
  pooled_at?: string | null;
  last_activity_at?: string | null;
  created_at: string;
  version: number;
}

/** Where a customer is after a claim or a return. */
export interface CustomerOwnership {
  customer_id: string;
  owner_id?: string | null;
  pool_id?: string | null;
  department_id?: string | null;
  version: number;
}

/** The tenant's customer-pool switch (GET/PATCH /settings/customer-pools). */
export interface CustomerPoolSettings {
  enabled: boolean;
}

/** Whether a pool holds customers (a pool without a kind is a lead pool). */
export function isCustomerPool(p: Pool | null | undefined): boolean {
  return p?.kind === 'customer';
}

/** Where a lead is after a claim or a return. */
export interface Ownership {
  lead_id: string;
  owner_id?: string | null;
  pool_id?: string | null;
  department_id?: string | null;
  version: number;
}

export interface PoolFormValues {
  name: string;
  kind: PoolKind;
  department_id: string | null;
  claim_limit: number | null;
  return_after_days_no_follow_up: number | null;
  return_after_days_no_conversion: number | null;
  reclaim_cooldown_days: number | null;
  enabled: boolean;
  member_ids: string[];
}

const NUMBERS = ['claim_limit', 'return_after_days_no_follow_up', 'return_after_days_no_conversion', 'reclaim_cooldown_days'] as const;

/** The form's starting values: a pool's, or a new pool's defaults. */
export function poolFormValues(p?: Pool | null): PoolFormValues {
  return {
    name: p?.name ?? '',
    kind: p?.kind ?? 'lead',
    department_id: p?.department_id ?? null,
    claim_limit: p?.claim_limit ?? 0,
    return_after_days_no_follow_up: p?.return_after_days_no_follow_up ?? 0,
    return_after_days_no_conversion: p?.return_after_days_no_conversion ?? 0,
    reclaim_cooldown_days: p?.reclaim_cooldown_days ?? 0,
    enabled: p?.enabled ?? true,
    member_ids: p?.member_ids ?? [],
  };
}

/** The create body: every rule given (an empty number is 0: off). */
export function createPoolBody(v: PoolFormValues): Record<string, unknown> {
  const body: Record<string, unknown> = { name: v.name.trim(), department_id: v.department_id, enabled: v.enabled, member_ids: v.member_ids };
  for (const k of NUMBERS) body[k] = v[k] ?? 0;
  if (v.kind === 'customer') body.kind = 'customer'; // lead is the server's default
  return body;
}

function sameSet(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}

/** The PATCH body: only what changed (the department of a pool is fixed). */
export function changedPoolFields(p: Pool, v: PoolFormValues): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (v.name.trim() !== p.name) body.name = v.name.trim();
  for (const k of NUMBERS) if ((v[k] ?? 0) !== p[k]) body[k] = v[k] ?? 0;
  if (v.enabled !== p.enabled) body.enabled = v.enabled;
  if (!sameSet(v.member_ids, p.member_ids ?? [])) body.member_ids = v.member_ids;
  return body;
}

export type ClaimRefusal = 'claim_limit' | 'cooldown' | 'taken' | 'disabled' | 'setting_off' | 'other';

/** Which rule refused a claim, from the server's 409 (its detail names the rule). */
export function claimRefusal(err: unknown): ClaimRefusal | null {
  if (!(err instanceof ApiError) || err.status !== 409) return null;
  const d = err.detail;
  if (d.includes('customer_pools_enabled')) return 'setting_off';
  if (d.startsWith('claim_limit')) return 'claim_limit';
  if (d.startsWith('reclaim_cooldown_days')) return 'cooldown';
  if (/claimed this (lead|customer) first|not in a pool/.test(d)) return 'taken';
  if (/switched off/.test(d)) return 'disabled';
  return 'other';
}

/** Whether the caller is a member of the pool (may claim). */
export function isMember(p: Pool, userId: string | undefined): boolean {
  return !!userId && (p.member_ids ?? []).includes(userId);
}

/** The pool to show first: the one asked for when it exists, else the first I may claim from, else the first. */
export function pickPool(pools: Pool[], wanted: string | null, userId?: string): Pool | undefined {
  return pools.find((p) => p.id === wanted) ?? pools.find((p) => p.enabled && isMember(p, userId)) ?? pools[0];
}
