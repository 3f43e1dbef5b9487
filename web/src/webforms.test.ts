import { describe, expect, it } from 'vitest';
import { bulkFilter, bulkRequest, webFormLink } from './webforms';

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
