/**
 * The Electron door into the router: every contract channel on `ipcMain.handle`, answered only for
 * the app's own page. The session lives here, one per window (webContents); the renderer never
 * sees its id. It names only the parts of Electron's objects it uses (the tests check that
 * Electron's own types fit), so it loads, and is tested, in plain Node.
 */
import { channels, type ApiErrorBody, type ApiResult, type Channel } from './api/contract';
import type { CallOutcome, Router } from './api/router';
import {
  CANCEL_CHANNEL,
  cancelInputSchema,
  InFlightCalls,
  invokeOptionsSchema,
  PROGRESS_MESSAGE,
} from './transport';

/** The parts of an invoke event the binding reads; Electron's `IpcMainInvokeEvent` has them all. */
export interface InvokeEvent {
  readonly sender: {
    readonly id: number;
    isDestroyed(): boolean;
    send(channel: string, ...args: unknown[]): void;
    once(event: 'destroyed', listener: () => void): unknown;
  };
  /** Null once the frame has navigated away or been destroyed. */
  readonly senderFrame: { readonly url: string } | null;
}

/** The parts of `ipcMain` the binding uses. */
export interface IpcRegistry {
  handle(
    channel: string,
    listener: (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>,
  ): void;
  removeHandler(channel: string): void;
}

export interface BindIpcOptions {
  ipcMain: IpcRegistry;
  router: Pick<Router, 'call' | 'sessions'>;
  /** Whether a frame URL is the app's own page (see `appPageMatcher`). */
  isTrustedSender(frameUrl: string): boolean;
}

/**
 * A sender check for the page at `pageUrl`: same scheme, host and path, whatever the query or
 * fragment (the renderer may route by fragment). A URL that doesn't parse is never the app's page.
 */
export function appPageMatcher(pageUrl: string): (frameUrl: string) => boolean {
  const page = new URL(pageUrl);
  return (frameUrl) => {
    if (!URL.canParse(frameUrl)) return false;
    const frame = new URL(frameUrl);
    return (
      frame.protocol === page.protocol &&
      frame.host === page.host &&
      frame.pathname === page.pathname
    );
  };
}

function failure(error: ApiErrorBody): ApiResult<never> {
  return { ok: false, error };
}

const untrustedSender = failure({
  code: 'FORBIDDEN',
  message: 'Only the LMS Admin window may call the API; this page is not it.',
});

/** Registers every contract channel and `lms:cancel`; the returned function removes them again. */
export function bindIpc({ ipcMain, router, isTrustedSender }: BindIpcOptions): () => void {
  /** Session id per webContents id: kept here in the main process, never sent to the renderer. */
  const sessions = new Map<number, string>();
  const watchedSenders = new Set<number>();
  const calls = new InFlightCalls();
  const isTrusted = (event: InvokeEvent): boolean =>
    event.senderFrame !== null && isTrustedSender(event.senderFrame.url);
  // Call ids are the renderer's choice: scoping them by window keeps one window from cancelling another's call.
  const callKey = (event: InvokeEvent, callId: string): string => `${event.sender.id}:${callId}`;

  const applySession = (sender: InvokeEvent['sender'], change: CallOutcome['session']): void => {
    if (change?.kind === 'start') {
      sessions.set(sender.id, change.id);
      if (!watchedSenders.has(sender.id)) {
        watchedSenders.add(sender.id);
        // A closed window can't sign out: its session ends with it.
        sender.once('destroyed', () => {
          router.sessions.end(sessions.get(sender.id) ?? null);
          sessions.delete(sender.id);
          watchedSenders.delete(sender.id);
        });
      }
    } else if (change?.kind === 'end') {
      sessions.delete(sender.id);
    }
  };

  const callChannel =
    (channel: Channel) =>
    async (
      event: InvokeEvent,
      input: unknown,
      rawOptions: unknown,
    ): Promise<ApiResult<unknown>> => {
      if (!isTrusted(event)) return untrustedSender;
      const options = invokeOptionsSchema.safeParse(rawOptions ?? {});
      if (!options.success) {
        return failure({
          code: 'VALIDATION',
          message: `Invalid call options for ${channel}: ${options.error.issues[0]?.message ?? 'unexpected value'}.`,
        });
      }
      const { callId } = options.data;
      const call = calls.start(callId === undefined ? undefined : callKey(event, callId));
      if (!call) {
        return failure({
          code: 'CONFLICT',
          message: `A call with id "${callId}" is still running; give each call its own id.`,
        });
      }
      try {
        const outcome = await router.call(channel, input, {
          sessionId: sessions.get(event.sender.id) ?? null,
          ip: null,
          source: 'app',
          signal: call.signal,
          ...(callId !== undefined && {
            callId,
            onProgress: (progress) => {
              if (!event.sender.isDestroyed()) event.sender.send(PROGRESS_MESSAGE, progress);
            },
          }),
        });
        applySession(event.sender, outcome.session);
        return outcome.result;
      } catch (error) {
        // The router answers its own failures; Electron would hand this one's message to the page.
        const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
        process.stderr.write(`[lms-admin] IPC binding failed on ${channel}: ${detail}\n`);
        return failure({
          code: 'INTERNAL',
          message: 'Something went wrong in the IPC binding; the log has the details.',
        });
      } finally {
        call.finish();
      }
    };

  const cancel = async (event: InvokeEvent, input: unknown): Promise<ApiResult<unknown>> => {
    if (!isTrusted(event)) return untrustedSender;
    const parsed = cancelInputSchema.safeParse(input);
    if (!parsed.success) {
      return failure({
        code: 'VALIDATION',
        message: `Invalid input for ${CANCEL_CHANNEL}: callId ${parsed.error.issues[0]?.message ?? 'is required'}.`,
      });
    }
    if (!calls.cancel(callKey(event, parsed.data.callId))) {
      return failure({
        code: 'NOT_FOUND',
        message: `No call with id "${parsed.data.callId}" is running; it may have finished already.`,
      });
    }
    return { ok: true, data: { cancelled: true } };
  };

  for (const channel of channels) ipcMain.handle(channel, callChannel(channel));
  ipcMain.handle(CANCEL_CHANNEL, cancel);

  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
    ipcMain.removeHandler(CANCEL_CHANNEL);
    calls.cancelAll();
    for (const sessionId of sessions.values()) router.sessions.end(sessionId);
    sessions.clear();
  };
}
