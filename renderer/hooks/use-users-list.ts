import { request } from '../api';
import type { ChannelInput, ChannelOutput } from '../../electron/api/contract';
import { useKeysetList } from './use-keyset-list';

export type UserSummary = ChannelOutput<'users.list'>['items'][number];
export type UserRole = NonNullable<ChannelInput<'users.list'>['role']>;

/** What narrows the users list. */
export interface UsersFilter {
  search: string;
  role: UserRole | null;
}

/** A page per request: enough to fill a tall screen twice, small enough to answer at once. */
const PAGE_SIZE = 100;

/** The users matching a filter, in email order, a keyset page at a time. */
export function useUsersList({ search, role }: UsersFilter) {
  const trimmed = search.trim();
  return useKeysetList(['users.list', { search: trimmed, role }], (cursor) =>
    request('users.list', {
      limit: PAGE_SIZE,
      ...(trimmed !== '' && { search: trimmed }),
      ...(role !== null && { role }),
      ...(cursor !== null && { cursor }),
    }),
  );
}
