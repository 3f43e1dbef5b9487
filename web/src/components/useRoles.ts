import { useCallback, useEffect, useState } from 'react';
import { api } from '../api';
import type { Page, Role } from '../types';

export function useRoles(enabled = true) {
  const [roles, setRoles] = useState<Role[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const reload = useCallback(async () => {
    if (!enabled) return;
    setLoading(true);
    try {
      const page = await api.get<Page<Role>>('/roles', { limit: 200 });
      setRoles(sortRoles(page.items ?? []));
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
  return { roles, loading, error, reload };
}

const BUILTIN_ORDER = ['admin', 'director', 'manager', 'rep', 'finance', 'viewer'];

/** Built-in roles first in their usual order, then custom roles by name. */
export function sortRoles(roles: Role[]): Role[] {
  const rank = (r: Role) => {
    const i = BUILTIN_ORDER.indexOf(r.key);
    return r.builtin ? (i < 0 ? BUILTIN_ORDER.length : i) : BUILTIN_ORDER.length + 1;
  };
  return [...roles].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}
