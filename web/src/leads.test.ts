import { describe, expect, it } from 'vitest';
import dayjs from 'dayjs';
import { ApiError } from './api';
import {
  changedLeadFields,
  createLeadBody,
  dayRangeQuery,
  duplicateQuery,
  lastFollowUpQuery,
  duplicatesOf,
  nextStatuses,
  sortFromTable,
  sortOrderOf,
  statusChoices,
} from './leads';
import type { Lead } from './types';

const lead: Lead = {
  id: 'l1',
  contact_name: '王小明',
  company: '星辰科技有限公司',
  title: '',
  phone: '13812345678',
  email: '',
  wechat: '',
  source: '官网',
  region: '',
  industry: '',
  status: 'new',
  disqualify_reason: '',
  owner_id: 'u1',
  owner_name: '李娜',
  score: 10,
  notes: '',
  created_at: '2025-01-02T03:04:05Z',
  updated_at: '2025-01-02T03:04:05Z',
  version: 1,
};

describe('nextStatuses', () => {
  it('moves open leads forward only, or disqualifies them', () => {
    expect(nextStatuses('new')).toEqual(['contacted', 'qualified', 'disqualified']);
    expect(nextStatuses('contacted')).toEqual(['qualified', 'disqualified']);
    expect(nextStatuses('qualified')).toEqual(['disqualified']);
  });

  it('reopens a disqualified lead as new only', () => {
    expect(nextStatuses('disqualified')).toEqual(['new']);
  });

  it('never offers converted and keeps a converted lead where it is', () => {
    for (const s of ['new', 'contacted', 'qualified', 'disqualified'] as const) expect(nextStatuses(s)).not.toContain('converted');
    expect(nextStatuses('converted')).toEqual([]);
    expect(statusChoices('converted')).toEqual(['converted']);
  });

  it('offers the current status first', () => {
    expect(statusChoices('contacted')).toEqual(['contacted', 'qualified', 'disqualified']);
  });
});

describe('changedLeadFields', () => {
  it('sends only what changed, trimmed', () => {
    expect(changedLeadFields(lead, { contact_name: ' 王小明 ', company: '星辰科技有限公司', phone: '13812345678', source: '展会 ' })).toEqual({ source: '展会' });
    expect(changedLeadFields(lead, { contact_name: '王小明', email: '' })).toEqual({});
  });

  it('sends a status move, with the reason when disqualifying', () => {
    expect(changedLeadFields(lead, { contact_name: '王小明', status: 'contacted', disqualify_reason: 'ignored' })).toEqual({ status: 'contacted' });
    expect(changedLeadFields(lead, { contact_name: '王小明', status: 'disqualified', disqualify_reason: ' 预算不足 ' })).toEqual({
      status: 'disqualified',
      disqualify_reason: '预算不足',
    });
  });

  it('changes a disqualified lead’s reason alone', () => {
    const dq: Lead = { ...lead, status: 'disqualified', disqualify_reason: '预算不足' };
    expect(changedLeadFields(dq, { contact_name: '王小明', status: 'disqualified', disqualify_reason: '已有供应商' })).toEqual({ disqualify_reason: '已有供应商' });
    expect(changedLeadFields(dq, { contact_name: '王小明', status: 'new', disqualify_reason: '预算不足' })).toEqual({ status: 'new' });
  });

  it('compares score and follow-up date, and never sends the owner (that is an assignment with a reason)', () => {
    expect(changedLeadFields(lead, { contact_name: '王小明', score: 10, owner_id: 'u1' })).toEqual({});
    expect(changedLeadFields(lead, { contact_name: '王小明', score: null })).toEqual({ score: 0 });
    expect(changedLeadFields(lead, { contact_name: '王小明', owner_id: 'u2' })).toEqual({});
    const at = dayjs('2025-02-01T08:00:00Z');
    expect(changedLeadFields(lead, { contact_name: '王小明', next_follow_up_at: at })).toEqual({ next_follow_up_at: at.toISOString() });
    expect(changedLeadFields({ ...lead, next_follow_up_at: '2025-02-01T08:00:00Z' }, { contact_name: '王小明', next_follow_up_at: at })).toEqual({});
  });
});

describe('createLeadBody', () => {
  it('leaves out empty values and asks to allow a duplicate only when told', () => {
    expect(createLeadBody({ contact_name: ' 王小明 ', company: '', phone: '13812345678', score: null, owner_id: null })).toEqual({
      contact_name: '王小明',
      phone: '13812345678',
    });
    expect(createLeadBody({ contact_name: 'A', score: 0 }, true)).toEqual({ contact_name: 'A', score: 0, allow_duplicate: true });
  });
});

describe('duplicateQuery', () => {
  it('asks only about values worth checking', () => {
    expect(duplicateQuery({})).toBeNull();
    expect(duplicateQuery({ phone: '138', email: 'a@', company: '星' })).toBeNull();
    expect(duplicateQuery({ phone: '+86 138-1234-5678', email: ' a@b.cn ', company: '星辰' })).toEqual({
      phone: '+86 138-1234-5678',
      email: 'a@b.cn',
      company: '星辰',
    });
  });
});

describe('duplicatesOf', () => {
  it('reads the matches of a 409', () => {
    const dup = [{ id: 'x', visible: false, matched_on: ['phone'] }];
    expect(duplicatesOf(new ApiError(409, { title: 'Conflict', duplicates: dup } as never))).toEqual(dup);
    expect(duplicatesOf(new ApiError(409, { title: 'Conflict' }))).toBeNull();
    expect(duplicatesOf(new ApiError(422, { duplicates: dup } as never))).toBeNull();
    expect(duplicatesOf(new Error('x'))).toBeNull();
  });
});

describe('sort', () => {
  it('maps table sorters to the API sort and back', () => {
    expect(sortFromTable('score', 'descend')).toBe('-score');
    expect(sortFromTable('last_follow_up_at', 'ascend')).toBe('last_follow_up_at');
    expect(sortFromTable('created_at', null)).toBe('-created_at');
    expect(sortFromTable('contact_name', 'ascend')).toBe('-created_at');
    expect(sortOrderOf('-score', 'score')).toBe('descend');
    expect(sortOrderOf('-score', 'created_at')).toBeNull();
    expect(sortOrderOf('created_at', 'created_at')).toBe('ascend');
  });
});

describe('dayRangeQuery', () => {
  it('makes an inclusive day range with an exclusive end', () => {
    const q = dayRangeQuery(dayjs('2025-03-01T15:00:00'), dayjs('2025-03-02T01:00:00'));
    expect(dayjs(q.created_from).format('YYYY-MM-DD HH:mm')).toBe('2025-03-01 00:00');
    expect(dayjs(q.created_to).format('YYYY-MM-DD HH:mm')).toBe('2025-03-03 00:00');
    expect(dayRangeQuery(null, null)).toEqual({});
  });
});

describe('lastFollowUpQuery', () => {
  it('puts the same day range on the last follow-up', () => {
    const q = lastFollowUpQuery(dayjs('2025-03-01T15:00:00'), null);
    expect(Object.keys(q)).toEqual(['last_follow_up_from']);
    expect(dayjs(q.last_follow_up_from).format('YYYY-MM-DD HH:mm')).toBe('2025-03-01 00:00');
    expect(dayjs(lastFollowUpQuery(null, dayjs('2025-03-02T01:00:00')).last_follow_up_to).format('YYYY-MM-DD HH:mm')).toBe('2025-03-03 00:00');
    expect(lastFollowUpQuery(null, null)).toEqual({});
  });
});
