import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiCallError, request } from '../api';
import { contract, type ChannelInput, type ChannelOutput } from '../../electron/api/contract';

export type UserDetail = ChannelOutput<'users.get'>;
export type UserEnrollment = ChannelOutput<'users.enrollments'>['items'][number];

/** The user a stale-version CONFLICT carries as they are now (a duplicate email carries none). */
export function conflictingUser(error: unknown): UserDetail | null {
  if (!(error instanceof ApiCallError) || error.code !== 'CONFLICT') return null;
  const parsed = contract['users.get'].output.safeParse(error.body.current);
  return parsed.success ? parsed.data : null;
}

/** The query key of one user, which an edit's answer replaces. */
const userKey = (id: string) => ['users.get', id] as const;

export function useUser(id: string) {
  return useQuery({ queryKey: userKey(id), queryFn: () => request('users.get', { id }) });
}

/** The courses a user is enrolled in, with how far they got. */
export function useUserEnrollments(id: string) {
  return useQuery({
    queryKey: ['users.enrollments', id],
    queryFn: () => request('users.enrollments', { id }),
  });
}

/** After any change to users, every list of them may be out of date. */
function useUsersChanged() {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: ['users.list'] });
}

export function useCreateUser() {
  const usersChanged = useUsersChanged();
  return useMutation({
    mutationFn: (input: ChannelInput<'users.create'>) => request('users.create', input),
    onSuccess: usersChanged,
  });
}

/** Saves an edit against the version it started from; a stale one fails with CONFLICT. */
export function useUpdateUser() {
  const client = useQueryClient();
  const usersChanged = useUsersChanged();
  return useMutation({
    mutationFn: (input: ChannelInput<'users.update'>) => request('users.update', input),
    onSuccess: (user) => {
      client.setQueryData(userKey(user.id), user);
      return usersChanged();
    },
  });
}

export function useBulkUpdateUsers() {
  const usersChanged = useUsersChanged();
  return useMutation({
    mutationFn: (input: ChannelInput<'users.bulkUpdate'>) => request('users.bulkUpdate', input),
    onSettled: usersChanged,
  });
}

/**
 * Puts a bulk change back, as a plain call rather than a mutation: its button lives in a
 * notification, after the selection that made the change has left the screen.
 */
export function useUndoBulkUpdate() {
  const usersChanged = useUsersChanged();
  return async (input: ChannelInput<'users.bulkUpdate'>) => {
    try {
      return await request('users.bulkUpdate', input);
    } finally {
      void usersChanged();
    }
  };
}

/** What deleting the selected users would remove, asked only while the confirmation is open. */
export function useBulkDeletePreview(ids: readonly string[], isEnabled: boolean) {
  return useQuery({
    queryKey: ['users.bulkDeletePreview', ids],
    queryFn: () => request('users.bulkDeletePreview', { ids: [...ids] }),
    enabled: isEnabled && ids.length > 0,
    staleTime: 0,
  });
}

export function useBulkDeleteUsers() {
  const usersChanged = useUsersChanged();
  return useMutation({
    mutationFn: (input: ChannelInput<'users.bulkDelete'>) => request('users.bulkDelete', input),
    onSettled: usersChanged,
  });
}
