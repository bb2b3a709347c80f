/**
 * What the doors into the router (the IPC binding with its preload bridge, and the loopback host)
 * share beyond the contract itself: call ids, the progress event, cancellation, and the shape of
 * `window.lms`. Imports only zod and the contract's types, so the preload can bundle it.
 */
import { z } from 'zod';
import type { ApiProgress, ApiResult, Channel } from './api/contract';

/** A long call's id, chosen by its caller: it names the call's progress events and its cancellation. */
export const callIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, {
  message: 'must be 1 to 64 letters, digits, "-" or "_"',
});

/** The IPC channel that cancels a call; contract channels are `domain.verb`, so it can't clash. */
export const CANCEL_CHANNEL = 'lms:cancel';
/** The IPC message that carries an `ApiProgress` to the window that made the call. */
export const PROGRESS_MESSAGE = 'lms:progress';
/** The one event the renderer can subscribe to, over IPC and over HTTP (SSE) alike. */
export const PROGRESS_EVENT = 'progress';

/** The extras a renderer may send with a call. */
export const invokeOptionsSchema = z.strictObject({ callId: callIdSchema.optional() });
export type InvokeOptions = z.infer<typeof invokeOptionsSchema>;

/** The input of `lms:cancel`. */
export const cancelInputSchema = z.strictObject({ callId: callIdSchema });

/**
 * `window.lms` in the Electron window. Results arrive as the contract's envelope: the renderer
 * parses `data` with the channel's output schema (over IPC dates stay Dates, over HTTP they are
 * ISO strings, and the schemas accept both).
 */
export interface LmsBridge {
  invoke(
    channel: Channel | typeof CANCEL_CHANNEL,
    input: unknown,
    options?: InvokeOptions,
  ): Promise<ApiResult<unknown>>;
  /** Subscribes to progress of this window's long calls; returns the unsubscribe function. */
  on(event: typeof PROGRESS_EVENT, callback: (progress: ApiProgress) => void): () => void;
}

/** One call being tracked: its signal for the router, and the ways it ends. */
export interface TrackedCall {
  signal: AbortSignal;
  abort(): void;
  /** Stops tracking it once it has answered. */
  finish(): void;
}

/**
 * The calls a door has in flight: cancellable by key (the caller's call id) while they run, and
 * all at once when the door closes.
 */
export class InFlightCalls {
  private readonly byKey = new Map<string, AbortController>();
  private readonly all = new Set<AbortController>();

  /** Starts tracking a call, by `key` when given; null when a running call already has that key. */
  start(key?: string): TrackedCall | null {
    if (key !== undefined && this.byKey.has(key)) return null;
    const controller = new AbortController();
    this.all.add(controller);
    if (key !== undefined) this.byKey.set(key, controller);
    return {
      signal: controller.signal,
      abort: () => controller.abort(),
      finish: () => {
        this.all.delete(controller);
        if (key !== undefined && this.byKey.get(key) === controller) this.byKey.delete(key);
      },
    };
  }

  /** Aborts the running call with this key; false when there is none. */
  cancel(key: string): boolean {
    const controller = this.byKey.get(key);
    controller?.abort();
    return controller !== undefined;
  }

  cancelAll(): void {
    for (const controller of this.all) controller.abort();
  }
}
