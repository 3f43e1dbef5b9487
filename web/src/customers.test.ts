import { describe, expect, it } from 'vitest';
import {
  changedContactFields,
  changedCustomerFields,
  createContactBody,
  createCustomerBody,
  customerListQuery,
  customerSortFromTable,
  deleteBlock,
  keyModeOf,
  revenueText,
  sortContacts,
  type Contact,
  type CustomerRecord,
} from './customers';

const customer: CustomerRecord = {
  id: 'c1',
  name: '星海电子有限公司',
  phone: '021-5555 0000',
  email: '',
  website: '',
  industry: '制造业',
  size: 'medium',
  region: '华东',
  address: '',
  source: '展会',
  grade: 'B',
  score: 60,
  key_customer: true,
  key_customer_manual: null,
  annual_revenue: 12345600,
  revenue_currency: 'CNY',
  owner_id: 'u1',
  owner_name: '李娜',
  notes: '',
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  version: 3,
};

const contact = (over: Partial<Contact>): Contact => ({
  id: 'x',
  customer_id: 'c1',
  customer_name: '星海',
  name: '王经理',
  title: '',
  phone: '',
  email: '',
  wechat: '',
  notes: '',
  is_primary: false,
  created_at: '',
  updated_at: '',
  version: 1,
  ...over,
});

describe('customer bodies', () => {
  it('creates with trimmed text, revenue in minor units and without empty values', () => {
    expect(createCustomerBody({ name: ' 星海 ', phone: ' ', industry: '零售', annual_revenue: '1,200,000.5', revenue_currency: 'CNY', key_mode: 'yes', size: null }, true)).toEqual({
      name: '星海',
      industry: '零售',
      annual_revenue: 120000050,
      revenue_currency: 'CNY',
      key_customer: true,
      allow_duplicate: true,
    });
    expect(createCustomerBody({ name: '星海', annual_revenue: ' ', key_mode: 'auto' })).toEqual({ name: '星海' });
  });
  it('patches only what changed, and can clear the size', () => {
    expect(changedCustomerFields(customer, { name: '星海电子有限公司', phone: '021-5555 0000', region: '华南', size: null, annual_revenue: '123456.00', key_mode: 'auto' })).toEqual({
      region: '华南',
      size: '',
    });
    expect(changedCustomerFields(customer, { name: customer.name, owner_id: 'u1', notes: '', annual_revenue: '99', revenue_currency: 'USD' })).toEqual({
      annual_revenue: 9900,
      revenue_currency: 'USD',
    });
    expect(changedCustomerFields(customer, { name: customer.name, owner_id: 'u2', annual_revenue: 'abc' })).toEqual({ owner_id: 'u2' });
  });
  it('pins the key flag or hands it back to the scoring model', () => {
    expect(keyModeOf(customer)).toBe('auto');
    expect(changedCustomerFields(customer, { name: customer.name, key_mode: 'no' })).toEqual({ key_customer: false });
    const pinned = { ...customer, key_customer_manual: true };
    expect(keyModeOf(pinned)).toBe('yes');
    expect(changedCustomerFields(pinned, { name: customer.name, key_mode: 'auto' })).toEqual({ key_customer_auto: true });
  });
  it('shows revenue as exact text', () => {
    expect(revenueText(12345600, 'CNY')).toBe('123456.00');
    expect(revenueText(5, 'CNY')).toBe('0.05');
    expect(revenueText(500, 'JPY')).toBe('500');
    expect(revenueText(0, 'CNY')).toBe('');
  });
});

describe('contact bodies', () => {
  it('creates for the customer', () => {
    expect(createContactBody('c1', { name: ' 王经理 ', decision_role: 'decision_maker', attitude: '', is_primary: true })).toEqual({
      customer_id: 'c1',
      name: '王经理',
      decision_role: 'decision_maker',
      is_primary: true,
    });
  });
  it('patches changes; clears a role; never un-primaries', () => {
    const c = contact({ decision_role: 'influencer', attitude: 'neutral', is_primary: true });
    expect(changedContactFields(c, { name: '王经理', decision_role: null, attitude: 'supportive', is_primary: false })).toEqual({ decision_role: '', attitude: 'supportive' });
    expect(changedContactFields(contact({}), { name: '王经理', is_primary: true })).toEqual({ is_primary: true });
  });
  it('sorts the primary contact first, then decision makers', () => {
    const list = [contact({ id: 'a' }), contact({ id: 'b', decision_role: 'decision_maker' }), contact({ id: 'c', is_primary: true })];
    expect(sortContacts(list).map((c) => c.id)).toEqual(['c', 'b', 'a']);
  });
});

describe('list', () => {
  it('maps filters to the query', () => {
    expect(customerListQuery({ q: ' 星海 ', owner_id: null, industry: ' ', region: '华东', grade: 'A', key: 'no', sort: 'name' })).toEqual({
      q: '星海',
      owner_id: undefined,
      industry: undefined,
      region: '华东',
      grade: 'A',
      key_customer: 'false',
      sort: 'name',
    });
  });
  it('maps table sorts', () => {
    expect(customerSortFromTable('name', 'descend')).toBe('-name');
    expect(customerSortFromTable('created_at', 'ascend')).toBe('created_at');
    expect(customerSortFromTable('score', 'ascend')).toBe('-created_at');
    expect(customerSortFromTable('name', null)).toBe('-created_at');
  });
});

describe('delete refusals', () => {
  it('reads what blocks a delete from the 409', () => {
    expect(deleteBlock('the customer has 3 opportunities; delete them or keep the customer')).toEqual({ kind: 'opportunities', n: 3 });
    expect(deleteBlock('the customer has 1 converted lead(s) linking to it; it is kept as the record of their conversion')).toEqual({ kind: 'leads', n: 1 });
    expect(deleteBlock('something else')).toBeNull();
  });
});
