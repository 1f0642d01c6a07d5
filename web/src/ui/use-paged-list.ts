// A cursor-paginated list: the first page loads with the query; "show more" appends further pages, and a
// fresh first page (new query, reload) starts over.
import { useEffect, useState } from 'preact/hooks';
import type { Page } from '../api/types.ts';
import { type AsyncState, useAsync } from './use-async.ts';

export interface PagedList<T> {
  first: AsyncState<Page<T>>;
  items: T[];
  next: string | null;
  showMore(): Promise<void>;
}

export function usePagedList<T>(load: (cursor: string | null) => Promise<Page<T>>, deps: unknown[]): PagedList<T> {
  const first = useAsync(() => load(null), deps);
  const [more, setMore] = useState<Page<T> | null>(null);
  useEffect(() => setMore(null), [first.data]);
  const next = more ? more.next : (first.data?.next ?? null);
  const showMore = async () => {
    if (!next) return;
    const page = await load(next);
    setMore((m) => ({ items: [...(m?.items ?? []), ...page.items], next: page.next }));
  };
  return { first, items: [...(first.data?.items ?? []), ...(more?.items ?? [])], next, showMore };
}
