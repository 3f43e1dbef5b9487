import { describe, expect, it } from 'vitest';
import { bulkFilter, bulkRequest, createWebFormBody, webFormLink, webFormPatch, webFormValues, type WebForm } from './webforms';

describe('webFormLink', () => {
  it('joins the origin and the form path', () => {
    expect(webFormLink({ path: '/f/abc_DEF-123' }, 'https://crm.example.com/')).toBe('https://crm.example.com/f/abc_DEF-123');
  });
});

describe('bulkRequest', () => {
  it('sends only what the action needs', () => {
    expect(bulkRequest('assign', { ids: ['a', 'b'] }, { owner_id: 'u1', pool_id: 'p1', reason: ' 调整 ' })).toEqual({ action: 'assign', ids: ['a', 'b'], owner_id: 'u1', reason: '调整' });
    expect(bulkRequest('move_to_pool', { ids: ['a'] }, { owner_id: 'u1', pool_id: 'p1', reason: '集中' })).toEqual({ action: 'move_to_pool', ids: ['a'], pool_id: 'p1', reason: '集中' });
    expect(bulkRequest('delete', { ids: ['a'] }, { reason: 'x' })).toEqual({ action: 'delete', ids: ['a'] });
  });
});

describe('bulkFilter', () => {
  it('keeps the set filters and drops sort and empties', () => {
    expect(bulkFilter({ q: '上海', status: undefined, source: '', owner_id: null, sort: '-created_at', created_from: '2026-01-01T00:00:00.000Z' })).toEqual({
      q: '上海',
      created_from: '2026-01-01T00:00:00.000Z',
    });
    expect(bulkRequest('delete', { filter: { status: 'new', sort: 'score' } }, {})).toEqual({ action: 'delete', filter: { status: 'new' } });
  });
});

const form: WebForm = {
  id: 'f1',
  name: '官网咨询',
  enabled: true,
  target: 'rules',
  pool_id: 'p1',
  default_source: '官网',
  default_industry: '',
  default_region: '华东',
  rate_limit_per_hour: 100,
  token: 't',
  path: '/f/t',
  submissions: 3,
  spam_blocked: 1,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  version: 4,
};

describe('webFormPatch', () => {
  it('sends nothing for an untouched form', () => {
    expect(webFormPatch(form, webFormValues(form) as never)).toEqual({});
  });
  it('sends only the changed fields, trimmed, and clears an emptied default', () => {
    const v = { ...webFormValues(form), name: ' 展会留资 ', default_source: '展会', default_region: '  ', target: 'pool', rate_limit_per_hour: 20 } as never;
    expect(webFormPatch(form, v)).toEqual({ name: '展会留资', default_source: '展会', default_region: '', target: 'pool', rate_limit_per_hour: 20 });
  });
  it('keeps the rate limit and pool when emptied', () => {
    expect(webFormPatch(form, { ...webFormValues(form), rate_limit_per_hour: null, pool_id: '' } as never)).toEqual({});
  });
});

describe('createWebFormBody', () => {
  it('leaves empty defaults to the server', () => {
    expect(createWebFormBody({ name: ' 官网 ', target: 'pool', pool_id: 'p1', default_source: ' ', default_industry: '制造', rate_limit_per_hour: null })).toEqual({
      name: '官网',
      target: 'pool',
      pool_id: 'p1',
      default_industry: '制造',
    });
  });
});
