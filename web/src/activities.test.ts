import { describe, expect, it } from 'vitest';
import dayjs from 'dayjs';
import {
  compareDue,
  compareHistory,
  completeBody,
  completionAsks,
  createActivityBody,
  editActivityBody,
  editInitial,
  editableFields,
  followDue,
  feedHasMore,
  isOverdue,
  newSource,
  parseSubjectKey,
  sourcesToFetch,
  takeMerged,
  type Activity,
  type FeedSource,
} from './activities';

function act(id: string, over: Partial<Activity> = {}): Activity {
  return {
    id,
    kind: 'call',
    subject_type: 'customer',
    subject_id: 'c1',
    title: id,
    body: '',
    status: 'done',
    owner_id: 'u1',
    owner_name: '李娜',
    goal: '',
    commitment: '',
    preparation: '',
    outcome: '',
    created_at: '2026-01-01T00:00:00Z',
    version: 1,
    ...over,
  };
}

const at = (s: string) => dayjs(s);

describe('createActivityBody', () => {
  it('logs a done call now, trimmed, without visit fields', () => {
    expect(createActivityBody({ kind: 'call', subject: 'contact:abc', title: '  沟通预算 ', body: '聊了预算', goal: 'x' })).toEqual({
      kind: 'call',
      subject_type: 'contact',
      subject_id: 'abc',
      title: '沟通预算',
      body: '聊了预算',
      status: 'done',
    });
  });
  it('keeps when a done activity happened', () => {
    const b = createActivityBody({ kind: 'meeting', subject: 'customer:c1', title: 'm', occurred_at: at('2026-03-01T10:00:00Z'), due_at: at('2026-04-01T00:00:00Z') });
    expect(b.occurred_at).toBe('2026-03-01T10:00:00.000Z');
    expect(b.due_at).toBeUndefined();
  });
  it('plans a task with its due and remind times', () => {
    const b = createActivityBody({ kind: 'task', subject: 'lead:l1', title: '发报价', due_at: at('2026-05-01T09:00:00Z'), remind_at: at('2026-04-30T09:00:00Z'), occurred_at: at('2026-01-01T00:00:00Z') });
    expect(b).toEqual({ kind: 'task', subject_type: 'lead', subject_id: 'l1', title: '发报价', status: 'planned', due_at: '2026-05-01T09:00:00.000Z', remind_at: '2026-04-30T09:00:00.000Z' });
  });
  it('plans a visit with goal, commitment and preparation but no outcome', () => {
    const b = createActivityBody({
      kind: 'visit',
      visit_mode: 'plan',
      subject: 'opportunity:o1',
      title: '拜访',
      due_at: at('2026-05-02T02:00:00Z'),
      goal: ' 了解需求 ',
      commitment: '安排技术交流',
      preparation: '带样品',
      outcome: 'ignored',
      commitment_won: 'yes',
    });
    expect(b).toEqual({
      kind: 'visit',
      subject_type: 'opportunity',
      subject_id: 'o1',
      title: '拜访',
      status: 'planned',
      due_at: '2026-05-02T02:00:00.000Z',
      goal: '了解需求',
      commitment: '安排技术交流',
      preparation: '带样品',
    });
  });
  it('records a visit with whether its commitment was won, and only when it had one', () => {
    const won = createActivityBody({ kind: 'visit', visit_mode: 'record', subject: 'customer:c1', title: 'v', commitment: '试用', outcome: '同意', commitment_won: 'no' });
    expect(won).toMatchObject({ status: 'done', commitment: '试用', outcome: '同意', commitment_won: false });
    const none = createActivityBody({ kind: 'visit', visit_mode: 'record', subject: 'customer:c1', title: 'v', commitment_won: 'yes' });
    expect(none.commitment_won).toBeUndefined();
  });
});

describe('completion', () => {
  it('asks about the commitment only for a visit that has one', () => {
    expect(completionAsks({ kind: 'visit', commitment: '试用' })).toBe(true);
    expect(completionAsks({ kind: 'visit', commitment: '' })).toBe(false);
    expect(completionAsks({ kind: 'task', commitment: '' })).toBe(false);
  });
  it('builds the PATCH that completes', () => {
    expect(completeBody({ kind: 'task', commitment: '' })).toEqual({ status: 'done' });
    expect(completeBody({ kind: 'visit', commitment: '试用' }, true, '客户同意试用')).toEqual({ status: 'done', commitment_won: true, outcome: '客户同意试用' });
    expect(completeBody({ kind: 'visit', commitment: '' }, false, ' ')).toEqual({ status: 'done' });
  });
  it('knows what is overdue', () => {
    const now = at('2026-05-01T00:00:00Z');
    expect(isOverdue({ status: 'planned', due_at: '2026-04-30T23:00:00Z' }, now)).toBe(true);
    expect(isOverdue({ status: 'planned', due_at: '2026-05-01T01:00:00Z' }, now)).toBe(false);
    expect(isOverdue({ status: 'done', due_at: '2026-04-01T00:00:00Z' }, now)).toBe(false);
  });
  it('splits a subject key at its first colon', () => {
    expect(parseSubjectKey('opportunity:0190-aa')).toEqual({ subject_type: 'opportunity', subject_id: '0190-aa' });
  });
});

describe('orders', () => {
  it('history: newest occurred first (microseconds parse), not happened last, then newer ids', () => {
    const a = act('01', { occurred_at: '2026-03-01T10:00:00.123456Z' });
    const b = act('02', { occurred_at: '2026-03-02T10:00:00Z' });
    const c = act('03', { occurred_at: null, status: 'cancelled' });
    const d = act('04', { occurred_at: null, status: 'planned' });
    const e = act('05', { occurred_at: '2026-03-01T10:00:00.123Z' });
    expect([a, b, c, d, e].sort(compareHistory).map((x) => x.id)).toEqual(['02', '05', '01', '04', '03']);
  });
  it('due: soonest first, none last', () => {
    const a = act('01', { due_at: '2026-05-03T00:00:00Z' });
    const b = act('02', { due_at: '2026-05-01T00:00:00Z' });
    const c = act('03', { due_at: null });
    expect([a, b, c].sort(compareDue).map((x) => x.id)).toEqual(['02', '01', '03']);
  });
});

describe('merging paged lists', () => {
  const src = (key: string, ids: string[], done: boolean): FeedSource<Activity> => ({
    ...newSource<Activity>(key),
    buffer: ids.map((id) => act(id, { occurred_at: `2026-01-${id}T00:00:00Z` })),
    done,
    started: true,
    cursor: done ? null : 'next',
  });

  it('fetches every source that has nothing buffered and more to give', () => {
    const s = [newSource<Activity>('customer:c1'), src('contact:x', ['05'], false), src('contact:y', [], true)];
    expect(sourcesToFetch(s).map((x) => x.key)).toEqual(['customer:c1']);
  });

  it('takes in order but stops where a source with more pages ran dry', () => {
    // customer: 20, 10 (more pages follow); contact: 15, 12, 11, 09 (no more)
    const s = [src('customer:c1', ['20', '10'], false), src('contact:x', ['15', '12', '11', '09'], true)];
    const r = takeMerged(s, compareHistory, 10);
    // 09 must wait: the customer's next page may hold something between 10 and 09.
    expect(r.items.map((x) => x.id)).toEqual(['20', '15', '12', '11', '10']);
    expect(r.sources[0].buffer).toHaveLength(0);
    expect(r.sources[1].buffer.map((x) => x.id)).toEqual(['09']);
    expect(s[0].buffer).toHaveLength(2); // the input is left alone
    expect(feedHasMore(r.sources)).toBe(true);
  });

  it('drains finished sources completely and respects max', () => {
    const s = [src('customer:c1', ['20', '10'], true), src('contact:x', ['15'], true)];
    expect(takeMerged(s, compareHistory, 2).items.map((x) => x.id)).toEqual(['20', '15']);
    const all = takeMerged(s, compareHistory, 10);
    expect(all.items.map((x) => x.id)).toEqual(['20', '15', '10']);
    expect(feedHasMore(all.sources)).toBe(false);
  });

  it('shows nothing before every source has answered', () => {
    const s = [src('customer:c1', ['20'], true), newSource<Activity>('contact:x')];
    expect(takeMerged(s, compareHistory, 10).items).toEqual([]);
  });
});

describe('editableFields', () => {
  it('offers a note its subject and details only', () => {
    expect(editableFields(act('n', { kind: 'note' }))).toEqual(['title', 'body']);
  });
  it('offers a planned task its due time, reminder and owner; a done one no reminder or owner', () => {
    expect(editableFields(act('t', { kind: 'task', status: 'planned' }))).toEqual(['title', 'due_at', 'remind_at', 'owner_id', 'body']);
    expect(editableFields(act('t', { kind: 'task', status: 'done' }))).toEqual(['title', 'due_at', 'body']);
  });
  it('offers a visit plan its plan fields and a recorded visit its outcome', () => {
    expect(editableFields(act('v', { kind: 'visit', status: 'planned' }))).toEqual(['title', 'due_at', 'goal', 'commitment', 'preparation', 'owner_id', 'body']);
    expect(editableFields(act('v', { kind: 'visit', status: 'done' }))).toEqual(['title', 'goal', 'commitment', 'outcome', 'body']);
    expect(editableFields(act('v', { kind: 'visit', status: 'done', preparation: '带样品' }))).toContain('preparation');
  });
});

describe('editActivityBody', () => {
  const task = act('t', { kind: 'task', status: 'planned', title: '发报价', due_at: '2026-03-01T02:00:00Z', remind_at: '2026-03-01T01:00:00Z' });
  it('sends nothing when nothing changed', () => {
    expect(editActivityBody(task, editInitial(task))).toEqual({});
  });
  it('sends only what changed, trimmed where the API trims', () => {
    const v = { ...editInitial(task), title: ' 发正式报价 ', body: '附价格表', due_at: at('2026-03-02T02:00:00Z') };
    expect(editActivityBody(task, v)).toEqual({ title: '发正式报价', body: '附价格表', due_at: '2026-03-02T02:00:00.000Z' });
  });
  it('hands a task over, but never sends an emptied owner or time', () => {
    expect(editActivityBody(task, { ...editInitial(task), owner_id: 'u2' })).toEqual({ owner_id: 'u2' });
    expect(editActivityBody(task, { ...editInitial(task), owner_id: null, remind_at: null })).toEqual({});
  });
  it('ignores fields the editor does not offer for the kind', () => {
    const note = act('n', { kind: 'note', body: 'a' });
    expect(editActivityBody(note, { ...editInitial(note), goal: '不该发', due_at: at('2026-03-02T00:00:00Z'), body: 'b' })).toEqual({ body: 'b' });
  });
});

describe('followDue', () => {
  it('keeps the reminder as long before the due time as it was', () => {
    expect(followDue(at('2026-03-01T01:00:00Z'), at('2026-03-01T02:00:00Z'), at('2026-03-03T02:00:00Z'))?.toISOString()).toBe('2026-03-03T01:00:00.000Z');
  });
  it('has no reminder to move when there is none, and keeps it when a due time is missing', () => {
    expect(followDue(null, at('2026-03-01T02:00:00Z'), at('2026-03-03T02:00:00Z'))).toBeNull();
    expect(followDue(at('2026-03-01T01:00:00Z'), null, at('2026-03-03T02:00:00Z'))?.toISOString()).toBe('2026-03-01T01:00:00.000Z');
  });
});
