import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { changedPoolFields, claimRefusal, createPoolBody, pickPool, poolFormValues, type Pool } from './pools';

const pool: Pool = {
  id: 'p1',
  department_id: 'd1',
  department_name: '华东一部',
  name: '华东公海',
  claim_limit: 5,
  return_after_days_no_follow_up: 7,
  return_after_days_no_conversion: 30,
  reclaim_cooldown_days: 3,
  enabled: true,
  member_ids: ['u1', 'u2'],
  created_at: '',
  updated_at: '',
  version: 2,
};

describe('pool form', () => {
  it('creates with every rule, empty numbers as 0', () => {
    const v = { ...poolFormValues(null), name: ' 新公海 ', department_id: 'd9', claim_limit: null };
    expect(createPoolBody(v)).toEqual({
      name: '新公海',
      department_id: 'd9',
      enabled: true,
      member_ids: [],
      claim_limit: 0,
      return_after_days_no_follow_up: 0,
      return_after_days_no_conversion: 0,
      reclaim_cooldown_days: 0,
    });
  });

  it('sends kind only for a customer pool; an existing pool keeps its kind', () => {
    const v = { ...poolFormValues(null), name: '客户公海', department_id: 'd9', kind: 'customer' as const };
    expect(createPoolBody(v).kind).toBe('customer');
    expect(createPoolBody({ ...v, kind: 'lead' })).not.toHaveProperty('kind');
    expect(poolFormValues({ ...pool, kind: 'customer' }).kind).toBe('customer');
    expect(poolFormValues(pool).kind).toBe('lead');
    expect(changedPoolFields({ ...pool, kind: 'customer' }, poolFormValues(pool))).toEqual({});
  });
  it('patches only what changed; members compared as a set', () => {
    expect(changedPoolFields(pool, poolFormValues(pool))).toEqual({});
    expect(changedPoolFields(pool, { ...poolFormValues(pool), member_ids: ['u2', 'u1'] })).toEqual({});
    expect(changedPoolFields(pool, { ...poolFormValues(pool), claim_limit: 10, member_ids: ['u1'], enabled: false })).toEqual({
      claim_limit: 10,
      member_ids: ['u1'],
      enabled: false,
    });
  });
});

describe('claimRefusal', () => {
  const conflict = (detail: string) => new ApiError(409, { status: 409, detail });
  it('names the rule from the 409 detail', () => {
    expect(claimRefusal(conflict('claim_limit: you hold 5 open leads and pool "x" lets …'))).toBe('claim_limit');
    expect(claimRefusal(conflict('reclaim_cooldown_days: this lead was returned from you on …'))).toBe('cooldown');
    expect(claimRefusal(conflict('someone else claimed this lead first'))).toBe('taken');
    expect(claimRefusal(conflict('pool "x" is switched off; its leads cannot be claimed'))).toBe('disabled');
    expect(claimRefusal(conflict('someone else claimed this customer first'))).toBe('taken');
    expect(claimRefusal(conflict('customer pools are switched off for your company; someone with pool.manage can turn on customer_pools_enabled'))).toBe(
      'setting_off',
    );
    expect(claimRefusal(conflict('something new'))).toBe('other');
  });
  it('is null for anything but a 409', () => {
    expect(claimRefusal(new ApiError(403, {}))).toBeNull();
    expect(claimRefusal(new Error('x'))).toBeNull();
  });
});

describe('pickPool', () => {
  const other = { ...pool, id: 'p2', member_ids: ['u3'] };
  it('prefers the asked-for pool, then one I may claim from', () => {
    expect(pickPool([other, pool], 'p2', 'u1')?.id).toBe('p2');
    expect(pickPool([other, pool], null, 'u1')?.id).toBe('p1');
    expect(pickPool([other, pool], 'gone', 'u9')?.id).toBe('p2');
    expect(pickPool([], null, 'u1')).toBeUndefined();
  });
});
