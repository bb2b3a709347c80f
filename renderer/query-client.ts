import { notifications } from '@mantine/notifications';
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiCallError } from './api';
import { authStateKey, type AuthState } from './hooks/use-session';

/** Only a door that couldn't be reached is worth asking again; every other error will answer the same. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  return error instanceof ApiCallError && error.code === 'UNAVAILABLE' && failureCount < 2;
}

/** The app's query client: any call that finds the session gone sends the person back to sign-in. */
export function createQueryClient(): QueryClient {
  const onError = (error: unknown): void => {
    if (!(error instanceof ApiCallError) || error.code !== 'UNAUTHENTICATED') return;
    const state = client.getQueryData<AuthState>(authStateKey);
    // A refused sign-in is UNAUTHENTICATED too, but there was no session to lose.
    if (!state?.user) return;
    client.setQueryData<AuthState>(authStateKey, { ...state, user: null });
    notifications.show({ color: 'orange', title: 'Signed out', message: error.message });
  };
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: { retry: shouldRetry, refetchOnWindowFocus: false, staleTime: 30_000 },
      mutations: { retry: false },
    },
  });
  return client;
}
