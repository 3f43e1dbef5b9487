import { describe, expect, it } from 'vitest';
import { moveRule, ruleBody, rulePatch, type AssignmentRule } from './assignment';

const rule = (id: string, position: number, version = 1): AssignmentRule => ({
  id, position, version, name: id, conditions: {}, department_id: 'd', per_rep_cap: 0, enabled: true, created_at: '', updated_at: '',
});

describe('moveRule', () => {
  it('swaps the positions of neighbours with distinct positions', () => {
    const rules = [rule('a', 0), rule('b', 5, 3), rule('c', 9)];
    expect(moveRule(rules, 1, -1)).toEqual([
      { id: 'b', version: 3, position: 0 },
      { id: 'a', version: 1, position: 5 },
    ]);
    expect(moveRule(rules, 1, 1)).toEqual([
      { id: 'b', version: 3, position: 9 },
      { id: 'c', version: 1, position: 5 },
    ]);
  });
  it('renumbers when positions tie, changing only what differs', () => {
    const rules = [rule('a', 0), rule('b', 1), rule('c', 1)];
    expect(moveRule(rules, 2, -1)).toEqual([{ id: 'b', version: 1, position: 2 }]);
    expect(moveRule([rule('a', 0), rule('b', 0), rule('c', 0)], 2, -1)).toEqual([{ id: 'c', version: 1, position: 1 }, { id: 'b', version: 1, position: 2 }]);
  });
  it('does nothing past either end', () => {
    const rules = [rule('a', 0), rule('b', 1)];
    expect(moveRule(rules, 0, -1)).toEqual([]);
    expect(moveRule(rules, 1, 1)).toEqual([]);
  });
});

describe('rule bodies', () => {
  it('leaves blank conditions out and trims', () => {
    expect(ruleBody({ name: ' 华东 ', source: ' 展会 ', region: '', industry: '  ', department_id: 'd1', per_rep_cap: null })).toEqual({
      name: '华东', conditions: { source: '展会' }, department_id: 'd1', per_rep_cap: 0, enabled: true,
    });
  });
  it('patches only what changed; conditions go whole', () => {
    const old = { ...rule('a', 0), name: 'A', conditions: { source: '展会' }, per_rep_cap: 5 };
    expect(rulePatch(old, { name: 'A', source: '展会', department_id: 'd', per_rep_cap: 5, enabled: true })).toBeNull();
    expect(rulePatch(old, { name: 'A', source: '展会', region: '上海', department_id: 'd', per_rep_cap: 5, enabled: true })).toEqual({
      conditions: { source: '展会', region: '上海' },
    });
    expect(rulePatch(old, { name: 'B', source: '展会', department_id: 'd2', per_rep_cap: 0, enabled: false })).toEqual({
      name: 'B', department_id: 'd2', per_rep_cap: 0, enabled: false,
    });
  });
});
