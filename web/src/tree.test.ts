import { describe, expect, it } from 'vitest';
import { buildDepartmentTree, subtreeIds } from './tree';
import type { Department } from './types';

const d = (id: string, name: string, parent_id: string | null = null): Department => ({
  id,
  name,
  parent_id,
  created_at: '',
  updated_at: '',
  version: 1,
});

describe('buildDepartmentTree', () => {
  it('nests children under parents and sorts siblings', () => {
    const tree = buildDepartmentTree([d('c', 'Sales East', 'a'), d('a', 'HQ'), d('b', 'Finance', 'a'), d('x', 'Orphan', 'missing')]);
    expect(tree.map((n) => n.key)).toEqual(['a', 'x']);
    expect(tree[0].children.map((n) => n.title)).toEqual(['Finance', 'Sales East']);
  });

  it('does not loop on a cycle', () => {
    const tree = buildDepartmentTree([d('a', 'A', 'b'), d('b', 'B', 'a')]);
    const count = (ns: typeof tree): number => ns.reduce((s, n) => s + 1 + count(n.children), 0);
    expect(count(tree)).toBe(2);
  });

  it('finds a subtree', () => {
    const tree = buildDepartmentTree([d('a', 'A'), d('b', 'B', 'a'), d('c', 'C', 'b'), d('e', 'E')]);
    expect([...subtreeIds(tree, 'b')].sort()).toEqual(['b', 'c']);
  });
});
