import type { Department } from './types';

export interface DeptNode {
  key: string;
  title: string;
  value: string;
  dept: Department;
  children: DeptNode[];
}

/**
 * Builds the department tree from the flat list. Departments whose parent is missing
 * (or that would form a cycle) become roots; siblings are sorted by name.
 */
export function buildDepartmentTree(list: Department[], collator?: Intl.Collator): DeptNode[] {
  const cmp = collator ?? new Intl.Collator(undefined, { numeric: true });
  const nodes = new Map<string, DeptNode>();
  for (const d of list) nodes.set(d.id, { key: d.id, title: d.name, value: d.id, dept: d, children: [] });
  const roots: DeptNode[] = [];
  for (const n of nodes.values()) {
    const pid = n.dept.parent_id;
    const parent = pid ? nodes.get(pid) : undefined;
    if (parent && !isAncestor(nodes, n.key, parent.key)) parent.children.push(n);
    else roots.push(n);
  }
  const sort = (arr: DeptNode[]) => {
    arr.sort((a, b) => cmp.compare(a.title, b.title));
    arr.forEach((c) => sort(c.children));
  };
  sort(roots);
  return roots;
}

// true when `id` is `start` or one of its ancestors (following parent_id)
function isAncestor(nodes: Map<string, DeptNode>, id: string, start: string): boolean {
  const seen = new Set<string>();
  let cur: string | null | undefined = start;
  while (cur && !seen.has(cur)) {
    if (cur === id) return true;
    seen.add(cur);
    cur = nodes.get(cur)?.dept.parent_id;
  }
  return false;
}

/** The ids of a department and all of its descendants. */
export function subtreeIds(roots: DeptNode[], id: string): Set<string> {
  const out = new Set<string>();
  const visit = (n: DeptNode, inside: boolean) => {
    const here = inside || n.key === id;
    if (here) out.add(n.key);
    n.children.forEach((c) => visit(c, here));
  };
  roots.forEach((r) => visit(r, false));
  return out;
}
