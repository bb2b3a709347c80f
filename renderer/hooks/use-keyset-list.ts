import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo } from 'react';

/** One page of a list channel: its items, and the cursor of the next page (null on the last). */
export interface KeysetPage<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * A list read one keyset page at a time: `fetchNextPage` follows the last page's cursor, and
 * `items` is every page loaded so far, in order. Each `queryKey` (channel and filters) is its own list.
 */
export function useKeysetList<T>(
  queryKey: readonly unknown[],
  fetchPage: (cursor: string | null) => Promise<KeysetPage<T>>,
) {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
    // Changing a filter keeps the rows on screen until the new ones arrive, instead of flashing empty.
    placeholderData: (previous) => previous,
  });
  const items = useMemo(() => query.data?.pages.flatMap((page) => page.items) ?? [], [query.data]);
  return { ...query, items };
}
