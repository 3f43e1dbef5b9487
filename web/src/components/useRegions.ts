import { useCallback, useEffect, useMemo, useState } from 'react';
import { api } from '../api';
import { buildRegionTree, type Region, type RegionNode } from '../regions';
import type { Page } from '../types';

// One load of the tree serves every picker of a page (a list's filter and its form's
// field): requests made within a few seconds of each other share the answer.
const FRESH_MS = 5000;
let cached: { at: number; list: Promise<Region[]> } | null = null;

async function fetchAll(): Promise<Region[]> {
  const out: Region[] = [];
  let cursor: string | undefined;
  do {
    const page: Page<Region> = await api.get<Page<Region>>('/regions', { limit: 500, cursor });
    out.push(...(page.items ?? []));
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return out;
}

function loadRegions(force: boolean): Promise<Region[]> {
  if (force || !cached || Date.now() - cached.at > FRESH_MS) {
    const list = fetchAll();
    cached = { at: Date.now(), list };
    list.catch(() => {
      if (cached?.list === list) cached = null;
    });
  }
  return cached.list;
}

/** The tenant's regions, their tree and an id index; reload() after a change. */
export function useRegions() {
  const [list, setList] = useState<Region[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async (force: boolean) => {
    setLoading(true);
    try {
      setList(await loadRegions(force));
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load(false);
  }, [load]);

  const reload = useCallback(() => load(true), [load]);
  const tree: RegionNode[] = useMemo(() => buildRegionTree(list), [list]);
  const byId = useMemo(() => new Map(list.map((r) => [r.id, r])), [list]);
  return { list, tree, byId, loading, error, reload };
}
