import { describe, expect, it } from 'vitest';
import { browserTimeZone, canCompleteInOneClick, subjectPath, withoutActivity, type DayActivity, type MyDay } from './myday';

const task = { id: 'a1', kind: 'task', status: 'planned', subject_type: 'lead', subject_id: 'l1' } as DayActivity;

describe('my day', () => {
  it('completes planned non-visits in one click', () => {
    expect(canCompleteInOneClick(task)).toBe(true);
    expect(canCompleteInOneClick({ ...task, kind: 'visit' })).toBe(false);
    expect(canCompleteInOneClick({ ...task, status: 'done' })).toBe(false);
  });
  it('links customers and opportunities; leads open in the drawer', () => {
    expect(subjectPath({ subject_type: 'customer', subject_id: 'c1' })).toBe('/customers/c1');
    expect(subjectPath({ subject_type: 'opportunity', subject_id: 'o1' })).toBe('/opportunities/board');
    expect(subjectPath(task)).toBeNull();
  });
  it('drops a done activity everywhere', () => {
    const d: MyDay = { date: '2026-01-01', tz: 'UTC', tasks_due_today: [task], visits_today: [], overdue: [task, { ...task, id: 'a2' }] };
    const out = withoutActivity(d, 'a1');
    expect(out.tasks_due_today).toEqual([]);
    expect(out.overdue.map((a) => a.id)).toEqual(['a2']);
  });
  it('has a zone', () => {
    expect(browserTimeZone()).not.toBe('');
  });
});
