/**
 * The renderer's one way to the API: `invoke(channel, input)` answers with the contract's
 * envelope, its `data` parsed by the channel's output schema. In the Electron window the call goes
 * through `window.lms` (the preload bridge); in a browser it goes to the loopback host as
 * `POST /rpc/<channel>`. Nothing else in the renderer knows which door is in use.
 */
import {
  CANCEL_CHANNEL,
  contract,
  PROGRESS_EVENT,
  type ApiErrorBody,
  type ApiProgress,
  type ApiResult,
  type Channel,
  type ChannelInput,
  type ChannelOutput,
  type LmsBridge,
} from '../electron/api/contract';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser. */
    lms?: LmsBridge;
  }
}

/** How a long call reports and stops: both need the call to carry an id of its own. */
export interface LongCallOptions {
  onProgress?: (progress: ApiProgress) => void;
  /** Aborting it asks the API to cancel the call; the answer is then a `CANCELLED` error. */
  signal?: AbortSignal;
}

/** A failed call as an exception, for TanStack Query: the envelope's error, unchanged. */
export class ApiCallError extends Error {
  readonly code: ApiErrorBody['code'];
  readonly fields: Record<string, string> | undefined;

  constructor(readonly body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiCallError';
    this.code = body.code;
    this.fields = body.fields;
  }
}

/** One door into the router: the preload bridge, or the loopback host. */
interface Door {
  invoke(channel: Channel, input: unknown, callId?: string): Promise<ApiResult<unknown>>;
  cancel(callId: string): Promise<void>;
  /** Resolves once events of calls started from now on will reach `listener`. */
  subscribe(listener: (progress: ApiProgress) => void): Promise<() => void>;
}

function electronDoor(bridge: LmsBridge): Door {
  return {
    invoke: (channel, input, callId) =>
      bridge.invoke(channel, input, callId === undefined ? undefined : { callId }),
    async cancel(callId) {
      await bridge.invoke(CANCEL_CHANNEL, { callId });
    },
    subscribe: (listener) => Promise.resolve(bridge.on(PROGRESS_EVENT, listener)),
  };
}

/** Where the launch token is kept for this tab, so a reload still works after the link is gone. */
const TOKEN_STORAGE_KEY = 'lms-admin.launch-token';
/** The loopback host's headers (electron/web-host.ts: TOKEN_HEADER, CALL_ID_HEADER). */
const TOKEN_HEADER = 'X-LMS-Token';
const CALL_ID_HEADER = 'X-LMS-Call-Id';

/**
 * The launch token from the link's fragment (`#token=…`), taken once: it leaves the address bar
 * at once, so it isn't bookmarked, shared in a screenshot or left in history.
 */
function takeLaunchToken(): string | null {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const fromLink = fragment.get('token');
  if (fromLink) {
    sessionStorage.setItem(TOKEN_STORAGE_KEY, fromLink);
    history.replaceState(history.state, '', `${location.pathname}${location.search}`);
    return fromLink;
  }
  return sessionStorage.getItem(TOKEN_STORAGE_KEY);
}

/** Whether a parsed JSON body is the API's envelope (the host is ours; this guards against a proxy or a bug). */
function isEnvelope(body: unknown): body is ApiResult<unknown> {
  if (typeof body !== 'object' || body === null || !('ok' in body)) return false;
  if (body.ok === true) return 'data' in body;
  if (body.ok !== false || !('error' in body)) return false;
  const error = body.error;
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    'message' in error &&
    typeof error.message === 'string'
  );
}

const unreachable = (detail: string): ApiResult<never> => ({
  ok: false,
  error: {
    code: 'UNAVAILABLE',
    message: `LMS Admin could not be reached (${detail}). Check that it is still running, then try again.`,
  },
});

function httpDoor(token: string | null): Door {
  const headers = (callId?: string): Record<string, string> => ({
    'Content-Type': 'application/json',
    ...(token !== null && { [TOKEN_HEADER]: token }),
    ...(callId !== undefined && { [CALL_ID_HEADER]: callId }),
  });
  const listeners = new Set<(progress: ApiProgress) => void>();
  let events: { source: EventSource; ready: Promise<void> } | null = null;

  /** One event stream for the tab, open while anyone listens. */
  const openEvents = (): Promise<void> => {
    if (events) return events.ready;
    const source = new EventSource(`/rpc-events?token=${encodeURIComponent(token ?? '')}`);
    const ready = new Promise<void>((resolve) => {
      source.addEventListener('ready', () => resolve(), { once: true });
      // A stream that fails still lets the call run; only its progress goes unseen.
      source.addEventListener('error', () => resolve(), { once: true });
    });
    source.addEventListener(PROGRESS_EVENT, (event) => {
      const progress: unknown = JSON.parse(String(event.data));
      if (typeof progress === 'object' && progress !== null && 'callId' in progress) {
        for (const listener of listeners) listener(progress as ApiProgress);
      }
    });
    events = { source, ready };
    return ready;
  };

  return {
    async invoke(channel, input, callId) {
      let response: Response;
      try {
        response = await fetch(`/rpc/${channel}`, {
          method: 'POST',
          headers: headers(callId),
          body: JSON.stringify(input),
          credentials: 'same-origin',
        });
      } catch (error) {
        return unreachable(error instanceof Error ? error.message : String(error));
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        return unreachable(`the answer to ${channel} was not JSON, status ${response.status}`);
      }
      return isEnvelope(body)
        ? body
        : unreachable(`the answer to ${channel} was not an API result, status ${response.status}`);
    },
    async cancel(callId) {
      await fetch(`/rpc-cancel/${encodeURIComponent(callId)}`, {
        method: 'POST',
        headers: headers(),
        credentials: 'same-origin',
      });
    },
    async subscribe(listener) {
      listeners.add(listener);
      await openEvents();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && events) {
          events.source.close();
          events = null;
        }
      };
    },
  };
}

const door: Door = window.lms ? electronDoor(window.lms) : httpDoor(takeLaunchToken());

/** A call id for a long call: unique in this tab, and within the ids the doors accept. */
function newCallId(): string {
  return crypto.randomUUID();
}

/**
 * Calls `channel` and answers with its envelope; `data` is parsed with the channel's output schema
 * (so dates are Dates, whichever door carried them). Never throws: a door that can't be reached
 * answers `UNAVAILABLE`.
 */
export async function invoke<C extends Channel>(
  channel: C,
  input: ChannelInput<C>,
  options: LongCallOptions = {},
): Promise<ApiResult<ChannelOutput<C>>> {
  const { onProgress, signal } = options;
  if (signal?.aborted) {
    return {
      ok: false,
      error: { code: 'CANCELLED', message: `${channel} was cancelled before it started.` },
    };
  }
  const isTracked = onProgress !== undefined || signal !== undefined;
  const callId = isTracked ? newCallId() : undefined;
  const unsubscribe =
    onProgress && callId !== undefined
      ? await door.subscribe((progress) => {
          if (progress.callId === callId) onProgress(progress);
        })
      : undefined;
  const cancel = (): void => {
    // A cancel that can't be delivered changes nothing: the call's own answer says how it ended.
    if (callId !== undefined) door.cancel(callId).catch(() => undefined);
  };
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    const result = await door.invoke(channel, input, callId);
    if (!result.ok) return result;
    const parsed = contract[channel].output.safeParse(result.data);
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          code: 'INTERNAL',
          message: `The answer to ${channel} was not what this version of LMS Admin expects; reload the page, and if it persists, report it.`,
        },
      };
    }
    // The schema is the channel's own, so its output is this channel's output type.
    return { ok: true, data: parsed.data as ChannelOutput<C> };
  } finally {
    signal?.removeEventListener('abort', cancel);
    unsubscribe?.();
  }
}

/** `invoke` for TanStack Query: the data, or an `ApiCallError` thrown. */
export async function request<C extends Channel>(
  channel: C,
  input: ChannelInput<C>,
  options?: LongCallOptions,
): Promise<ChannelOutput<C>> {
  const result = await invoke(channel, input, options);
  if (!result.ok) throw new ApiCallError(result.error);
  return result.data;
}
