import { useCallback, useEffect, useMemo, useState } from 'react';
import { api } from '../api';
import { buildDepartmentTree, type DeptNode } from '../tree';
import type { Department, Page } from '../types';

/** All departments of the tenant (one flat list of up to 500) and their tree. */
export function useDepartments(enabled = true) {
  const [list, setList] = useState<Department[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const reload = useCallback(async () => {
    if (!enabled) return;
    setLoading(true);
    try {
      const page = await api.get<Page<Department>>('/departments', { limit: 500 });
      setList(page.items ?? []);
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }, [enabled]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const tree: DeptNode[] = useMemo(() => buildDepartmentTree(list), [list]);
  const byId = useMemo(() => new Map(list.map((d) => [d.id, d])), [list]);
  return { list, tree, byId, loading, error, reload };
}
