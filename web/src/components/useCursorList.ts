import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type QueryValue } from '../api';
import type { Page } from '../types';

export interface CursorList<T> {
  items: T[];
  loading: boolean;
  hasMore: boolean;
  error: unknown;
  loadMore: () => void;
  reload: () => void;
  /** Replace one item in place (after an edit) without reloading. */
  replace: (item: T) => void;
}

/**
 * Keyset paging: loads the first page for `params`, then `loadMore` appends the next one.
 * A change of `params` (compared by value) starts over.
 */
export function useCursorList<T extends { id: string }>(
  path: string | null,
  params: Record<string, QueryValue>,
  onError?: (e: unknown) => void,
  limit = 50,
): CursorList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(params);
  const seq = useRef(0);
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;

  const fetchPage = useCallback(
    async (after: string | null, append: boolean) => {
      if (!path) return;
      const my = ++seq.current;
      setLoading(true);
      try {
        const page = await api.get<Page<T>>(path, { ...JSON.parse(key), limit, cursor: after });
        if (my !== seq.current) return;
        setItems((prev) => (append ? [...prev, ...(page.items ?? [])] : page.items ?? []));
        setCursor(page.next_cursor ? page.next_cursor : null);
        setError(null);
      } catch (e) {
        if (my !== seq.current) return;
        setError(e);
        onErrorRef.current?.(e);
      } finally {
        if (my === seq.current) setLoading(false);
      }
    },
    [path, key, limit],
  );

  useEffect(() => {
    setCursor(null);
    void fetchPage(null, false);
  }, [fetchPage, generation]);

  return {
    items,
    loading,
    hasMore: cursor !== null,
    error,
    loadMore: () => {
      if (cursor && !loading) void fetchPage(cursor, true);
    },
    reload: () => setGeneration((g) => g + 1),
    replace: (item: T) => setItems((prev) => prev.map((x) => (x.id === item.id ? item : x))),
  };
}
