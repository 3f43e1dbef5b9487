import { describe, expect, it } from 'vitest';
import { exportUrl } from './exports';

describe('exportUrl', () => {
  it('keeps the filters, drops paging and empty values, adds format, language and zone', () => {
    const url = exportUrl('/customers/export', { q: '星辰', grade: undefined, region: '', limit: 50, cursor: 'abc', sort: 'name' }, 'csv', 'en-US', 'Asia/Shanghai');
    const u = new URL(url, 'http://x');
    expect(u.pathname).toBe('/api/v1/customers/export');
    expect(Object.fromEntries(u.searchParams)).toEqual({ q: '星辰', sort: 'name', format: 'csv', lang: 'en-US', tz: 'Asia/Shanghai' });
  });
  it('leaves the zone to the server when unknown', () => {
    expect(exportUrl('/leads/export', {}, 'xlsx', 'zh-CN')).toBe('/api/v1/leads/export?format=xlsx&lang=zh-CN');
  });
});
