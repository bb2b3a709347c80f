import { QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiCallError } from './api';
import { authStateKey, type AuthState } from './hooks/use-session';

/** Only a door that couldn't be reached is worth asking again; every other error will answer the same. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  return error instanceof ApiCallError && error.code === 'UNAVAILABLE' && failureCount < 2;
}

/** The app's query client: a call that finds the session gone sends the person back to sign-in. */
export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError(error) {
        if (error instanceof ApiCallError && error.code === 'UNAUTHENTICATED') {
          client.setQueryData<AuthState>(authStateKey, (state) =>
            state ? { ...state, user: null } : state,
          );
        }
      },
    }),
    defaultOptions: {
      queries: { retry: shouldRetry, refetchOnWindowFocus: false, staleTime: 30_000 },
      mutations: { retry: false },
    },
  });
  return client;
}
