// Shapes of the Rudder JSON API (/api/v1). Field names are the wire names (snake_case).

export type DataScope = 'own' | 'department' | 'all';
export type UserStatus = 'active' | 'disabled';
export type AuditAction = 'create' | 'update' | 'delete';
export type ObjectType = 'user' | 'department' | 'role' | 'token' | 'tenant' | 'lead';

export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

export interface AppConfig {
  demo: boolean;
  demo_password: string;
  demo_logins: { email: string; role: string; name?: string; team?: string }[];
  signup: boolean;
  version: string;
}

export interface User {
  id: string;
  email: string;
  name: string;
  phone?: string | null;
  department_id?: string | null;
  department_name?: string | null;
  role_id: string;
  role_name?: string | null;
  manager_id?: string | null;
  manager_name?: string | null;
  status: UserStatus;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface Me {
  user: User;
  tenant: { id: string; name: string };
  role: { id: string; key: string; name: string };
  permissions: string[];
  data_scope: DataScope;
}

export interface SessionResponse {
  token: string;
  expires_at: string;
  user: User;
}

export interface Department {
  id: string;
  name: string;
  parent_id?: string | null;
  manager_id?: string | null;
  manager_name?: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface Role {
  id: string;
  key: string;
  name: string;
  builtin: boolean;
  permissions: string[];
  data_scope: DataScope;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface Permission {
  key: string;
  group: string;
}

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  created_at: string;
  last_used_at?: string | null;
  expires_at?: string | null;
}

export interface CreatedToken extends ApiToken {
  token: string;
}

export interface AuditChange {
  field: string;
  old?: unknown;
  new?: unknown;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor_id?: string | null;
  actor_name?: string | null;
  request_id?: string | null;
  action: AuditAction;
  object_type: string;
  object_id: string;
  changes?: AuditChange[] | null;
}

export type LeadStatus = 'new' | 'contacted' | 'qualified' | 'converted' | 'disqualified';

export interface Lead {
  id: string;
  contact_name: string;
  company: string;
  title: string;
  phone: string;
  email: string;
  wechat: string;
  source: string;
  region: string;
  industry: string;
  status: LeadStatus;
  disqualify_reason: string;
  /** Absent while the lead is in a pool. */
  owner_id?: string | null;
  owner_name: string;
  department_id?: string | null;
  last_follow_up_at?: string | null;
  next_follow_up_at?: string | null;
  score: number;
  notes: string;
  /** What a converted lead became (set by its conversion). */
  converted_customer_id?: string | null;
  converted_contact_id?: string | null;
  /** The opportunity its conversion opened, if any (cleared when that opportunity is deleted). */
  converted_opportunity_id?: string | null;
  /** The import that created the lead. */
  import_id?: string | null;
  created_by?: string;
  created_at: string;
  updated_at: string;
  version: number;
}

/** A claim, return or assignment of a lead (GET /leads/{id}/pool-events). */
export interface PoolEvent {
  id: string;
  /** The lead's or the customer's, by the list it came from. */
  lead_id?: string;
  customer_id?: string;
  pool_id?: string | null;
  kind: 'claim' | 'return' | 'auto_return' | 'assign';
  /** The new owner of a claim or assign, the previous owner of a return. */
  user_id?: string | null;
  user_name: string;
  actor_id: string;
  actor_name: string;
  pool_name: string;
  reason: string;
  at: string;
}

/** An existing lead sharing a phone, email or company; only id and matched_on when outside my data scope. */
export interface LeadMatch {
  /** What matched: a lead or (once customers exist) a customer, whose name is given as company. */
  kind?: 'lead' | 'customer';
  id: string;
  visible: boolean;
  matched_on: ('phone' | 'email' | 'company')[];
  contact_name?: string;
  company?: string;
  phone?: string;
  status?: LeadStatus;
  owner_id?: string | null;
  owner_name?: string;
}

export type StageKind = 'open' | 'won' | 'lost';

export interface PipelineStage {
  id: string;
  position: number;
  name: string;
  probability: number;
  kind: StageKind;
  rot_days: number;
  required_tasks: string[];
}

export interface Pipeline {
  id: string;
  name: string;
  is_default: boolean;
  stages: PipelineStage[];
  version: number;
}

/** Money in minor units (分 for CNY) of an ISO 4217 currency. */
export interface Money {
  amount: number;
  currency: string;
}

export interface Opportunity {
  id: string;
  pipeline_id: string;
  stage_id: string;
  stage_name: string;
  stage_kind: StageKind;
  probability: number;
  customer_id: string;
  customer_name: string;
  name: string;
  amount: Money;
  weighted_amount: Money;
  expected_close: string;
  owner_id?: string | null;
  owner_name?: string | null;
  forecast_category: string;
  win_loss_reason: string;
  stalled: boolean;
  /** The five-dimension evaluation (each 1–5 or null) and its 0–100 health score. */
  need_score?: number | null;
  need_note?: string;
  budget_score?: number | null;
  budget_note?: string;
  decision_chain_score?: number | null;
  decision_chain_note?: string;
  timeline_score?: number | null;
  timeline_note?: string;
  competitive_score?: number | null;
  competitive_note?: string;
  health_score?: number | null;
  competitor?: string;
  /** The customer's contacts involved; on a single opportunity, not in lists. */
  contact_ids?: string[];
  department_id?: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface OpportunityTask {
  id: string;
  opportunity_id: string;
  stage_id: string;
  stage_name: string;
  name: string;
  done_at?: string | null;
}

export interface StageMove {
  id: string;
  from_stage_id?: string | null;
  from_stage_name?: string | null;
  to_stage_id: string;
  to_stage_name: string;
  at: string;
  actor_id: string;
  actor_name?: string;
  amount: Money;
}

export interface Customer {
  id: string;
  name: string;
}

export interface FunnelTotal {
  currency: string;
  count: number;
  amount: number;
  weighted_amount: number;
}

export interface FunnelStage {
  stage_id: string;
  name: string;
  position: number;
  kind: StageKind;
  probability: number;
  count: number;
  totals: FunnelTotal[];
  entered: number;
  advanced: number;
  conversion?: number | null;
}

export interface Funnel {
  pipeline_id: string;
  pipeline_name: string;
  from?: string;
  to?: string;
  stages: FunnelStage[];
}
