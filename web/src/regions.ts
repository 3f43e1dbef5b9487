// Territories: the tenant's region tree, and how a region picker maps between the
// tree's nodes and the region *name* that leads and customers store.

import type { MessageKey, Vars } from './i18n/core';

export interface Region {
  id: string;
  name: string;
  parent_id: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface RegionNode {
  key: string;
  title: string;
  region: Region;
  children: RegionNode[];
}

/**
 * Builds the tree from the flat list (the API lists parents before children, but a
 * missing parent or a cycle must not lose a region: it becomes a root). Siblings are
 * sorted by name.
 */
export function buildRegionTree(list: Region[], collator?: Intl.Collator): RegionNode[] {
  const cmp = collator ?? new Intl.Collator(undefined, { numeric: true });
  const nodes = new Map<string, RegionNode>();
  for (const r of list) nodes.set(r.id, { key: r.id, title: r.name, region: r, children: [] });
  const roots: RegionNode[] = [];
  for (const n of nodes.values()) {
    const parent = n.region.parent_id ? nodes.get(n.region.parent_id) : undefined;
    if (parent && !isAncestor(nodes, n.key, parent.key)) parent.children.push(n);
    else roots.push(n);
  }
  const sort = (arr: RegionNode[]) => {
    arr.sort((a, b) => cmp.compare(a.title, b.title));
    arr.forEach((c) => sort(c.children));
  };
  sort(roots);
  return roots;
}

// true when id is start or one of start's ancestors
function isAncestor(nodes: Map<string, RegionNode>, id: string, start: string): boolean {
  const seen = new Set<string>();
  let cur: string | null | undefined = start;
  while (cur && !seen.has(cur)) {
    if (cur === id) return true;
    seen.add(cur);
    cur = nodes.get(cur)?.region.parent_id;
  }
  return false;
}

/** The ids of a region and everything below it (a region cannot move under these). */
export function regionSubtree(roots: RegionNode[], id: string): Set<string> {
  const out = new Set<string>();
  const visit = (n: RegionNode, inside: boolean) => {
    const here = inside || n.key === id;
    if (here) out.add(n.key);
    n.children.forEach((c) => visit(c, here));
  };
  roots.forEach((r) => visit(r, false));
  return out;
}

/** The names from the top down to the region, e.g. ["华东大区", "江苏", "苏州"]. */
export function regionPath(byId: Map<string, Region>, id: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  let cur: string | null | undefined = id;
  while (cur && !seen.has(cur)) {
    seen.add(cur);
    const r = byId.get(cur);
    if (!r) break;
    out.unshift(r.name);
    cur = r.parent_id;
  }
  return out;
}

/**
 * The PATCH body that turns region `old` into name/parent, or null when nothing
 * changed. The API takes an empty parent_id as "make it top-level".
 */
export function regionPatch(old: Region, name: string, parentId: string | null): { name?: string; parent_id?: string } | null {
  const body: { name?: string; parent_id?: string } = {};
  const trimmed = name.trim();
  if (trimmed !== old.name) body.name = trimmed;
  if ((parentId ?? null) !== (old.parent_id ?? null)) body.parent_id = parentId ?? '';
  return Object.keys(body).length ? body : null;
}

// A region picker's option values: a node's id, or typed text that names no region.
const FREE = 'free:';

export function freeValue(text: string): string {
  return FREE + text;
}

/**
 * The picker's value for a stored region name: the first region of that name (names
 * are unique per tenant, except regions made before that rule, and the stored value
 * is only the name), else the name as free text; undefined for none.
 */
export function pickerValue(list: Region[], name: string | null | undefined): string | undefined {
  const n = (name ?? '').trim();
  if (!n) return undefined;
  return list.find((r) => r.name === n)?.id ?? freeValue(n);
}

/** The region name a picker value stands for. */
export function nameOf(byId: Map<string, Region>, value: string | null | undefined): string {
  if (!value) return '';
  if (value.startsWith(FREE)) return value.slice(FREE.length);
  return byId.get(value)?.name ?? '';
}

/** What still carries a region's name, as a refusal's counts (internal/region/usage.go). */
export interface RegionUses {
  leads: number;
  customers: number;
  rules: number;
  webforms: number;
}

/** Why the API refused deleting or renaming a region, from its 409. */
export type RegionRefusal = { reason: 'children' } | { reason: 'in_use' | 'ambiguous'; uses: RegionUses };

/**
 * The reason of a region 409: records in use (or, for a rename, a name shared with
 * another region) carry their counts in the problem's "region" error; a 409 without
 * it is the sub-regions refusal.
 */
export function regionRefusal(status: number, errors: { location?: string; value?: unknown }[]): RegionRefusal | null {
  if (status !== 409) return null;
  const v = errors.find((e) => e.location === 'region')?.value as (Partial<RegionUses> & { reason?: string }) | undefined;
  if (!v || (v.reason !== 'in_use' && v.reason !== 'ambiguous')) return { reason: 'children' };
  const n = (x: unknown) => (typeof x === 'number' ? x : 0);
  return { reason: v.reason, uses: { leads: n(v.leads), customers: n(v.customers), rules: n(v.rules), webforms: n(v.webforms) } };
}

const USE_KEYS = [
  ['leads', 'region.uses.lead', 'region.uses.leads'],
  ['customers', 'region.uses.customer', 'region.uses.customers'],
  ['rules', 'region.uses.rule', 'region.uses.rules'],
  ['webforms', 'region.uses.webform', 'region.uses.webforms'],
] as const;

/** The non-zero counts in words, e.g. "3 条线索、1 个客户" / "3 leads, 1 customer". */
export function usesText(u: RegionUses, t: (key: MessageKey, vars?: Vars) => string): string {
  return USE_KEYS.filter(([k]) => u[k] > 0)
    .map(([k, one, many]) => t(u[k] === 1 ? one : many, { count: u[k] }))
    .join(t('region.usesSep'));
}
