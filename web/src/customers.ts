// Customer and contact rules the UI needs without React: their shapes, the POST and PATCH
// bodies of the forms (only what changed, for an If-Match edit), and the list's sorts.
import { DEFAULT_CURRENCY, minorDigits, parseMoney } from './money';
import type { Customer } from './types';

export type CustomerSize = '' | 'micro' | 'small' | 'medium' | 'large' | 'enterprise';
export type Grade = 'A' | 'B' | 'C' | 'D';
export type DecisionRole = 'decision_maker' | 'influencer' | 'user' | 'coach' | 'blocker';
export type Attitude = 'supportive' | 'neutral' | 'opposed';

export const CUSTOMER_SIZES: Exclude<CustomerSize, ''>[] = ['micro', 'small', 'medium', 'large', 'enterprise'];
export const GRADES: Grade[] = ['A', 'B', 'C', 'D'];
export const DECISION_ROLES: DecisionRole[] = ['decision_maker', 'influencer', 'user', 'coach', 'blocker'];
export const ATTITUDES: Attitude[] = ['supportive', 'neutral', 'opposed'];

/** A customer as GET /customers/{id} gives it. */
export interface CustomerRecord extends Customer {
  phone: string;
  email: string;
  website: string;
  industry: string;
  size: CustomerSize;
  region: string;
  address: string;
  source: string;
  /** From the tenant's scoring model; not edited by hand. */
  grade?: Grade | null;
  score: number;
  /** The effective flag: key_customer_manual when a person set it, else the scoring model's. */
  key_customer: boolean;
  key_customer_manual?: boolean | null;
  /** Minor units of revenue_currency; 0 when unknown. */
  annual_revenue: number;
  revenue_currency: string;
  /** Absent while the customer is in a pool. */
  owner_id?: string | null;
  /** The customer pool it sits in, while it has no owner. */
  pool_id?: string | null;
  owner_name: string;
  lead_id?: string | null;
  notes: string;
  last_activity_at?: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface Contact {
  id: string;
  customer_id: string;
  customer_name: string;
  name: string;
  title: string;
  phone: string;
  email: string;
  wechat: string;
  decision_role?: DecisionRole | null;
  attitude?: Attitude | null;
  is_primary: boolean;
  notes: string;
  created_at: string;
  updated_at: string;
  version: number;
}

/** Who decides the key-customer flag: the scoring model, or a person pinning it on or off. */
export type KeyMode = 'auto' | 'yes' | 'no';

export interface CustomerFormValues {
  name: string;
  phone?: string;
  email?: string;
  website?: string;
  industry?: string;
  size?: CustomerSize | null;
  region?: string;
  address?: string;
  source?: string;
  /** Annual revenue as typed, in major units ("1,200,000.00"). */
  annual_revenue?: string;
  revenue_currency?: string;
  key_mode?: KeyMode;
  notes?: string;
  owner_id?: string | null;
}

const CUSTOMER_TEXT = ['name', 'phone', 'email', 'website', 'industry', 'region', 'address', 'source'] as const;

const trim = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** The form's key mode of a customer: pinned by a person, or left to the scoring model. */
export function keyModeOf(c: Pick<CustomerRecord, 'key_customer_manual'>): KeyMode {
  return c.key_customer_manual === true ? 'yes' : c.key_customer_manual === false ? 'no' : 'auto';
}

/** Revenue typed in major units as minor units; 0 when empty, null when it is no amount. */
export function revenueOf(v: Pick<CustomerFormValues, 'annual_revenue' | 'revenue_currency'>): number | null {
  const text = trim(v.annual_revenue);
  return text ? parseMoney(text, v.revenue_currency || DEFAULT_CURRENCY) : 0;
}

/** Minor units as the text the revenue field shows ("1234.50"); "" for none. Exact: split as text. */
export function revenueText(minor: number, currency: string): string {
  if (!minor) return '';
  const d = minorDigits(currency || DEFAULT_CURRENCY);
  const digits = String(Math.trunc(minor)).padStart(d + 1, '0');
  return d ? digits.slice(0, -d) + '.' + digits.slice(-d) : digits;
}

/** The POST body of a new customer: trimmed text, empty values left out; score and grade come from scoring. */
export function createCustomerBody(v: CustomerFormValues, allowDuplicate = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of CUSTOMER_TEXT) {
    const s = trim(v[k]);
    if (s) out[k] = s;
  }
  if (v.size) out.size = v.size;
  const revenue = revenueOf(v);
  if (revenue) {
    out.annual_revenue = revenue;
    out.revenue_currency = v.revenue_currency || DEFAULT_CURRENCY;
  }
  if (v.key_mode === 'yes' || v.key_mode === 'no') out.key_customer = v.key_mode === 'yes';
  if (trim(v.notes)) out.notes = v.notes;
  if (v.owner_id) out.owner_id = v.owner_id;
  if (allowDuplicate) out.allow_duplicate = true;
  return out;
}

/**
 * The PATCH body of a profile edit: only what differs from `c`; an emptied size clears it.
 * A key mode moved to "auto" hands the flag back to the scoring model (key_customer_auto).
 */
export function changedCustomerFields(c: CustomerRecord, v: CustomerFormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of CUSTOMER_TEXT) {
    if (v[k] === undefined) continue;
    const s = trim(v[k]);
    if (s !== (c[k] ?? '')) out[k] = s;
  }
  if (v.size !== undefined && (v.size ?? '') !== (c.size ?? '')) out.size = v.size ?? '';
  if (v.annual_revenue !== undefined) {
    const revenue = revenueOf(v);
    const currency = v.revenue_currency || c.revenue_currency || DEFAULT_CURRENCY;
    if (revenue !== null && revenue !== (c.annual_revenue ?? 0)) out.annual_revenue = revenue;
    if (currency !== (c.revenue_currency || DEFAULT_CURRENCY)) out.revenue_currency = currency;
  }
  if (v.key_mode !== undefined && v.key_mode !== keyModeOf(c)) {
    if (v.key_mode === 'auto') out.key_customer_auto = true;
    else out.key_customer = v.key_mode === 'yes';
  }
  if (v.notes !== undefined && (v.notes ?? '') !== (c.notes ?? '')) out.notes = v.notes ?? '';
  if (v.owner_id && v.owner_id !== c.owner_id) out.owner_id = v.owner_id;
  return out;
}

export interface ContactFormValues {
  name: string;
  title?: string;
  phone?: string;
  email?: string;
  wechat?: string;
  decision_role?: DecisionRole | '' | null;
  attitude?: Attitude | '' | null;
  is_primary?: boolean;
  notes?: string;
}

const CONTACT_TEXT = ['name', 'title', 'phone', 'email', 'wechat'] as const;

/** The POST body of a new contact of a customer. */
export function createContactBody(customerId: string, v: ContactFormValues): Record<string, unknown> {
  const out: Record<string, unknown> = { customer_id: customerId };
  for (const k of CONTACT_TEXT) {
    const s = trim(v[k]);
    if (s) out[k] = s;
  }
  if (v.decision_role) out.decision_role = v.decision_role;
  if (v.attitude) out.attitude = v.attitude;
  if (v.is_primary) out.is_primary = true;
  if (trim(v.notes)) out.notes = v.notes;
  return out;
}

/**
 * The PATCH body of a contact edit: only what differs. A primary contact stays primary until
 * another is made primary (the API has no "not primary"), so only a move to primary is sent.
 */
export function changedContactFields(c: Contact, v: ContactFormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of CONTACT_TEXT) {
    if (v[k] === undefined) continue;
    const s = trim(v[k]);
    if (s !== (c[k] ?? '')) out[k] = s;
  }
  if (v.decision_role !== undefined && (v.decision_role ?? '') !== (c.decision_role ?? '')) out.decision_role = v.decision_role ?? '';
  if (v.attitude !== undefined && (v.attitude ?? '') !== (c.attitude ?? '')) out.attitude = v.attitude ?? '';
  if (v.is_primary && !c.is_primary) out.is_primary = true;
  if (v.notes !== undefined && (v.notes ?? '') !== (c.notes ?? '')) out.notes = v.notes ?? '';
  return out;
}

/** Primary contact first, then decision makers, then the rest in the order they came. */
export function sortContacts(list: Contact[]): Contact[] {
  const rank = (c: Contact) => (c.is_primary ? 0 : c.decision_role === 'decision_maker' ? 1 : 2);
  return list
    .map((c, i) => ({ c, i }))
    .sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i)
    .map((x) => x.c);
}

export function gradeColor(grade?: string | null): string {
  switch (grade) {
    case 'A':
      return 'red';
    case 'B':
      return 'orange';
    case 'C':
      return 'blue';
    default:
      return 'default';
  }
}

export function attitudeColor(a?: string | null): string {
  return a === 'supportive' ? 'green' : a === 'opposed' ? 'red' : 'default';
}

export type CustomerSort = 'created_at' | '-created_at' | 'name' | '-name';
export const DEFAULT_CUSTOMER_SORT: CustomerSort = '-created_at';

/** A table sorter change as the API's sort; no order goes back to newest first. */
export function customerSortFromTable(columnKey: unknown, order: 'ascend' | 'descend' | null | undefined): CustomerSort {
  if (!order || (columnKey !== 'name' && columnKey !== 'created_at')) return DEFAULT_CUSTOMER_SORT;
  return (order === 'descend' ? '-' + columnKey : columnKey) as CustomerSort;
}

/** The list's query from the filters: key customer as the API's "true"/"false", empty values left out. */
export function customerListQuery(f: {
  q?: string;
  owner_id?: string | null;
  industry?: string;
  region?: string;
  grade?: string | null;
  key?: 'yes' | 'no' | null;
  sort: CustomerSort;
}): Record<string, string | undefined> {
  return {
    q: trim(f.q) || undefined,
    owner_id: f.owner_id || undefined,
    industry: trim(f.industry) || undefined,
    region: trim(f.region) || undefined,
    grade: f.grade || undefined,
    key_customer: f.key === 'yes' ? 'true' : f.key === 'no' ? 'false' : undefined,
    sort: f.sort,
  };
}

/** Why the server refused to delete a customer (its 409), when it says so in a known way. */
export type DeleteBlock = { kind: 'opportunities' | 'leads'; n: number };

/** Reads the server's 409 detail for a customer delete ("the customer has 3 opportunities; …"). */
export function deleteBlock(detail: string): DeleteBlock | null {
  let m = detail.match(/has (\d+) opportunit/i);
  if (m) return { kind: 'opportunities', n: Number(m[1]) };
  m = detail.match(/has (\d+) converted lead/i);
  if (m) return { kind: 'leads', n: Number(m[1]) };
  return null;
}
