import { useInfiniteQuery } from '@tanstack/react-query';
import { request } from '../api';
import type { ChannelInput, ChannelOutput } from '../../electron/api/contract';

export type UserSummary = ChannelOutput<'users.list'>['items'][number];
export type UserRole = NonNullable<ChannelInput<'users.list'>['role']>;

/** What narrows the users list; each combination is its own cached list. */
export interface UsersFilter {
  search: string;
  role: UserRole | null;
}

/** A page per request: enough to fill a tall screen twice, small enough to answer at once. */
const PAGE_SIZE = 100;

/** The users list, one keyset page at a time: `fetchNextPage` follows the last page's cursor. */
export function useUsersList({ search, role }: UsersFilter) {
  const trimmed = search.trim();
  return useInfiniteQuery({
    queryKey: ['users.list', { search: trimmed, role }],
    queryFn: ({ pageParam }) =>
      request('users.list', {
        limit: PAGE_SIZE,
        ...(trimmed !== '' && { search: trimmed }),
        ...(role !== null && { role }),
        ...(pageParam !== null && { cursor: pageParam }),
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
    // Typing a search keeps the rows on screen until the new ones arrive, instead of flashing empty.
    placeholderData: (previous) => previous,
  });
}
