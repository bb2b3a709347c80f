import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../api';
import type { ChannelInput, ChannelOutput } from '../../electron/api/contract';

/** Whether the app needs its first admin, and who is signed in. */
export type AuthState = ChannelOutput<'auth.state'>;
export type SessionUser = ChannelOutput<'auth.me'>;

export const authStateKey = ['auth.state'] as const;

export function useAuthState() {
  return useQuery({ queryKey: authStateKey, queryFn: () => request('auth.state', {}) });
}

/** After setup or sign-in the answer is the session itself: no need to ask again. */
function useStartsSession() {
  const client = useQueryClient();
  return (user: SessionUser): void => {
    client.setQueryData<AuthState>(authStateKey, { needsSetup: false, user });
  };
}

export function useSetup() {
  const startSession = useStartsSession();
  return useMutation({
    mutationFn: (input: ChannelInput<'auth.setup'>) => request('auth.setup', input),
    onSuccess: startSession,
  });
}

export function useSignIn() {
  const startSession = useStartsSession();
  return useMutation({
    mutationFn: (input: ChannelInput<'auth.signIn'>) => request('auth.signIn', input),
    onSuccess: startSession,
  });
}

export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => request('auth.signOut', {}),
    onSuccess() {
      client.setQueryData<AuthState>(authStateKey, { needsSetup: false, user: null });
      // What the last person saw must not show to the next one. The session's own query stays:
      // the page is watching it.
      client.removeQueries({ predicate: (query) => query.queryKey[0] !== authStateKey[0] });
    },
  });
}
