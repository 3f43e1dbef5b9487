// "My day": the API's shape and the small rules of the page.

export interface DayActivity {
  id: string;
  kind: 'call' | 'visit' | 'meeting' | 'email' | 'note' | 'task';
  subject_type: 'lead' | 'customer' | 'contact' | 'opportunity';
  subject_id: string;
  title: string;
  body: string;
  status: 'planned' | 'done' | 'cancelled';
  due_at?: string | null;
  occurred_at?: string | null;
  commitment: string;
  commitment_won?: boolean | null;
  version: number;
}

export interface MyDay {
  date: string;
  tz: string;
  tasks_due_today: DayActivity[];
  visits_today: DayActivity[];
  overdue: DayActivity[];
}

export interface InboxItem {
  id: string;
  kind: string;
  title: string;
  link_type: string;
  link_id: string;
  due_at?: string | null;
  read_at?: string | null;
  created_at: string;
}

/** The browser's IANA zone, so "today" is the person's day; the API's default when unknown. */
export function browserTimeZone(): string {
  try {
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return tz || 'Asia/Shanghai';
  } catch {
    return 'Asia/Shanghai';
  }
}

/**
 * Whether "done" can be one click: a planned activity other than a visit
 * (a visit is recorded with its outcome and whether its commitment was won).
 */
export function canCompleteInOneClick(a: DayActivity): boolean {
  return a.status === 'planned' && a.kind !== 'visit';
}

/** The page of an activity's subject; a lead opens in the lead drawer instead (null here). */
export function subjectPath(a: Pick<DayActivity, 'subject_type' | 'subject_id'>): string | null {
  switch (a.subject_type) {
    case 'customer':
      return `/customers/${a.subject_id}`;
    case 'opportunity':
      return '/opportunities/board';
    default:
      return null;
  }
}

/** Drops a completed activity from every list of the day. */
export function withoutActivity(d: MyDay, id: string): MyDay {
  const keep = (xs: DayActivity[]) => xs.filter((a) => a.id !== id);
  return { ...d, tasks_due_today: keep(d.tasks_due_today), visits_today: keep(d.visits_today), overdue: keep(d.overdue) };
}
