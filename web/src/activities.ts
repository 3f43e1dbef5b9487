// Activities (跟进) without React: their shapes, the POST body of a logged follow-up, and the
// merge of several keyset-paged activity lists (a customer's own, its contacts', its
// opportunities') into one timeline, since the API lists one subject at a time.
import dayjs, { type Dayjs } from 'dayjs';

export type ActivityKind = 'call' | 'visit' | 'meeting' | 'email' | 'note' | 'task';
export type ActivityStatus = 'planned' | 'done' | 'cancelled';
export type SubjectType = 'lead' | 'customer' | 'contact' | 'opportunity';

export const ACTIVITY_KINDS: ActivityKind[] = ['call', 'visit', 'meeting', 'email', 'note', 'task'];

export interface Activity {
  id: string;
  kind: ActivityKind;
  subject_type: SubjectType;
  subject_id: string;
  title: string;
  body: string;
  status: ActivityStatus;
  owner_id: string;
  owner_name: string;
  occurred_at?: string | null;
  due_at?: string | null;
  remind_at?: string | null;
  done_at?: string | null;
  goal: string;
  commitment: string;
  preparation: string;
  outcome: string;
  commitment_won?: boolean | null;
  created_at: string;
  version: number;
}

/** What a timeline lists activities of: one record. */
export interface Subject {
  type: SubjectType;
  id: string;
  /** Shown on the activities of this subject ("联系人：王经理"); none for the page's own record. */
  label?: string;
}

/** How a visit is logged: planned ahead (a visit plan) or recorded after it happened. */
export type VisitMode = 'plan' | 'record';

export interface LogValues {
  kind: ActivityKind;
  /** "<type>:<id>" of the subject chosen in the form. */
  subject: string;
  title: string;
  body?: string;
  visit_mode?: VisitMode;
  occurred_at?: Dayjs | null;
  due_at?: Dayjs | null;
  remind_at?: Dayjs | null;
  goal?: string;
  commitment?: string;
  preparation?: string;
  outcome?: string;
  /** "yes" / "no": a radio group, since "not answered" must stay distinct from "no". */
  commitment_won?: 'yes' | 'no';
}

export const subjectKey = (s: Pick<Subject, 'type' | 'id'>) => `${s.type}:${s.id}`;

export function parseSubjectKey(key: string): { subject_type: SubjectType; subject_id: string } {
  const i = key.indexOf(':');
  return { subject_type: key.slice(0, i) as SubjectType, subject_id: key.slice(i + 1) };
}

/** Whether the values describe something planned (a task, a visit plan) rather than something done. */
export function isPlanned(v: Pick<LogValues, 'kind' | 'visit_mode'>): boolean {
  return v.kind === 'task' || (v.kind === 'visit' && v.visit_mode === 'plan');
}

const trim = (s?: string) => (s ?? '').trim();

/**
 * The POST /activities body of the log form. Done activities carry occurred_at (absent: now);
 * a task carries due_at and remind_at; a visit plan due_at, goal, commitment and preparation;
 * a recorded visit its goal, commitment, outcome and — when it had a commitment — whether it was won.
 */
export function createActivityBody(v: LogValues): Record<string, unknown> {
  const out: Record<string, unknown> = { kind: v.kind, ...parseSubjectKey(v.subject), title: trim(v.title) };
  if (trim(v.body)) out.body = v.body;
  const planned = isPlanned(v);
  out.status = planned ? 'planned' : 'done';
  if (planned) {
    if (v.due_at) out.due_at = v.due_at.toISOString();
    if (v.kind === 'task' && v.remind_at) out.remind_at = v.remind_at.toISOString();
  } else if (v.occurred_at) {
    out.occurred_at = v.occurred_at.toISOString();
  }
  if (v.kind === 'visit') {
    for (const k of ['goal', 'commitment'] as const) if (trim(v[k])) out[k] = trim(v[k]);
    if (planned && trim(v.preparation)) out.preparation = v.preparation;
    if (!planned) {
      if (trim(v.outcome)) out.outcome = v.outcome;
      if (trim(v.commitment) && v.commitment_won) out.commitment_won = v.commitment_won === 'yes';
    }
  }
  return out;
}

/** The PATCH body that completes a planned activity; a visit with a commitment says whether it was won. */
export function completeBody(a: Pick<Activity, 'kind' | 'commitment'>, won?: boolean, outcome?: string): Record<string, unknown> {
  const out: Record<string, unknown> = { status: 'done' };
  if (a.kind === 'visit') {
    if (a.commitment && won !== undefined) out.commitment_won = won;
    if (trim(outcome)) out.outcome = outcome;
  }
  return out;
}

/** Whether completing this activity needs a question answered first (a visit with a commitment). */
export function completionAsks(a: Pick<Activity, 'kind' | 'commitment'>): boolean {
  return a.kind === 'visit' && !!a.commitment;
}

/** When an activity happened or is due, for display. */
export function activityWhen(a: Pick<Activity, 'occurred_at' | 'due_at' | 'created_at'>): string {
  return a.occurred_at || a.due_at || a.created_at;
}

/** A planned activity whose due time has passed. */
export function isOverdue(a: Pick<Activity, 'status' | 'due_at'>, now: Dayjs = dayjs()): boolean {
  return a.status === 'planned' && !!a.due_at && dayjs(a.due_at).isBefore(now);
}

// ---- Merging paged lists ----

/** One source of a merged feed: what has been fetched but not shown, and where its list goes on. */
export interface FeedSource<T> {
  key: string;
  buffer: T[];
  cursor: string | null;
  /** The server has no more pages. */
  done: boolean;
  /** Fetched at least once. */
  started: boolean;
}

export function newSource<T>(key: string): FeedSource<T> {
  return { key, buffer: [], cursor: null, done: false, started: false };
}

/** Sources whose next page is needed before anything more can be shown in order. */
export function sourcesToFetch<T>(sources: FeedSource<T>[]): FeedSource<T>[] {
  return sources.filter((s) => s.buffer.length === 0 && !s.done);
}

/**
 * Takes up to `max` items in `compare` order from the sources' buffers. An item is only taken
 * while every source that may still have items has one buffered, so nothing a later page
 * brings can belong before what was already shown. Returns the items and the new sources.
 */
export function takeMerged<T>(sources: FeedSource<T>[], compare: (a: T, b: T) => number, max: number): { items: T[]; sources: FeedSource<T>[] } {
  const next = sources.map((s) => ({ ...s, buffer: [...s.buffer] }));
  const items: T[] = [];
  while (items.length < max) {
    if (next.some((s) => s.buffer.length === 0 && !s.done)) break;
    let best: FeedSource<T> | null = null;
    for (const s of next) {
      if (s.buffer.length && (!best || compare(s.buffer[0], best.buffer[0]) < 0)) best = s;
    }
    if (!best) break;
    items.push(best.buffer.shift() as T);
  }
  return { items, sources: next };
}

/** Whether a merged feed may show more: something buffered or a page not yet fetched. */
export function feedHasMore<T>(sources: FeedSource<T>[]): boolean {
  return sources.some((s) => s.buffer.length > 0 || !s.done);
}

const ms = (v?: string | null) => (v ? dayjs(v).valueOf() : NaN);

/** The id order of UUIDv7 ids (time-ordered), as the API breaks ties. */
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The API's "-occurred_at" order: newest first, activities that have not happened (planned,
 * cancelled) after all that have, then newer ids first.
 */
export function compareHistory(a: Activity, b: Activity): number {
  const x = ms(a.occurred_at);
  const y = ms(b.occurred_at);
  const xn = Number.isNaN(x);
  const yn = Number.isNaN(y);
  if (xn !== yn) return xn ? 1 : -1;
  if (!xn && x !== y) return y - x;
  return -byId(a, b);
}

/** The API's "due_at" order: soonest first, no due time last, then older ids first. */
export function compareDue(a: Activity, b: Activity): number {
  const x = ms(a.due_at);
  const y = ms(b.due_at);
  const xn = Number.isNaN(x);
  const yn = Number.isNaN(y);
  if (xn !== yn) return xn ? 1 : -1;
  if (!xn && x !== y) return x - y;
  return byId(a, b);
}

// ---- Editing ----

/** A field the activity editor may offer; named as in the PATCH body. */
export type EditField = 'title' | 'body' | 'due_at' | 'remind_at' | 'goal' | 'commitment' | 'preparation' | 'outcome' | 'owner_id';

export interface EditValues {
  title: string;
  body?: string;
  due_at?: Dayjs | null;
  remind_at?: Dayjs | null;
  goal?: string;
  commitment?: string;
  preparation?: string;
  outcome?: string;
  owner_id?: string | null;
}

/**
 * The fields the editor offers for an activity, by its kind and status: every activity has its
 * subject and details; a task its due time, and while planned its reminder; a visit its goal and
 * commitment, with the preparation of a plan and the outcome of a visit that took place. What is
 * still planned can be handed to a colleague (owner_id); what happened stays with who did it.
 */
export function editableFields(a: Pick<Activity, 'kind' | 'status' | 'preparation'>): EditField[] {
  const planned = a.status === 'planned';
  const f: EditField[] = ['title'];
  if (a.kind === 'task') f.push('due_at', ...(planned ? (['remind_at'] as const) : []));
  if (a.kind === 'visit') {
    if (planned) f.push('due_at');
    f.push('goal', 'commitment');
    if (planned || trim(a.preparation)) f.push('preparation');
    if (a.status === 'done') f.push('outcome');
  }
  if (planned) f.push('owner_id');
  f.push('body');
  return f;
}

/** The editor's starting values: the activity as it is. */
export function editInitial(a: Activity): EditValues {
  return {
    title: a.title,
    body: a.body,
    due_at: a.due_at ? dayjs(a.due_at) : null,
    remind_at: a.remind_at ? dayjs(a.remind_at) : null,
    goal: a.goal,
    commitment: a.commitment,
    preparation: a.preparation,
    outcome: a.outcome,
    owner_id: a.owner_id,
  };
}

const sameTime = (v: Dayjs | null | undefined, was?: string | null) => (!v && !was) || (!!v && !!was && v.valueOf() === dayjs(was).valueOf());

/**
 * The PATCH body of the editor: only the offered fields that changed, so an unchanged save
 * writes nothing and a field someone else changed meanwhile is not sent back. The API trims
 * title, goal and commitment, so those compare trimmed. A time cannot be removed (the API keeps
 * it when absent): an emptied one is not sent.
 */
export function editActivityBody(a: Activity, v: EditValues, fields: EditField[] = editableFields(a)): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f === 'due_at' || f === 'remind_at') {
      const t = v[f];
      if (t && !sameTime(t, a[f])) out[f] = t.toISOString();
    } else if (f === 'owner_id') {
      if (v.owner_id && v.owner_id !== a.owner_id) out.owner_id = v.owner_id;
    } else if (f === 'title' || f === 'goal' || f === 'commitment') {
      if (trim(v[f]) !== trim(a[f])) out[f] = trim(v[f]);
    } else if ((v[f] ?? '') !== (a[f] ?? '')) {
      out[f] = v[f] ?? '';
    }
  }
  return out;
}

/**
 * Where the reminder goes when the due time moves from `from` to `to`: as long before the new
 * due time as it was before the old one (the API does the same when only due_at is sent).
 */
export function followDue(remind: Dayjs | null | undefined, from: Dayjs | null | undefined, to: Dayjs | null | undefined): Dayjs | null {
  if (!remind) return null;
  if (!from || !to) return remind;
  return remind.add(to.diff(from), 'millisecond');
}
