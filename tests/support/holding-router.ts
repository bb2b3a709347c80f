import type { Router } from '../../electron/api/router';

/** The real router, with a way to hold calls in flight. */
export interface HoldingRouter extends Pick<Router, 'call' | 'sessions'> {
  /** Resolves once the call with this id is being held. */
  arrived(callId: string): Promise<void>;
}

/**
 * The real router, except that a call whose id starts with "held-" waits until it is aborted
 * before reaching it: a test can cancel it (or close its door) while it is in flight, and the
 * router then answers it as a cancelled call.
 */
export function holdingRouter(router: Router): HoldingRouter {
  const arrivals = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  const arrival = (callId: string) => {
    let found = arrivals.get(callId);
    if (!found) {
      let resolve = (): void => undefined;
      const promise = new Promise<void>((done) => (resolve = done));
      found = { promise, resolve };
      arrivals.set(callId, found);
    }
    return found;
  };
  return {
    sessions: router.sessions,
    arrived: (callId) => arrival(callId).promise,
    async call(channel, input, options) {
      const { callId, signal } = options;
      if (callId?.startsWith('held-') && signal) {
        await new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => resolve(), { once: true });
          arrival(callId).resolve();
        });
      }
      return router.call(channel, input, options);
    },
  };
}
