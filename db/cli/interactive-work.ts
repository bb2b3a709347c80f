import type { LongWork } from '../services/long-work';
import { UserFacingError } from '../user-facing-error';
import type { CliOutput } from './context';

/** Progress lines come at most this often (the last one always does), so a log stays readable. */
const PROGRESS_INTERVAL_MS = 500;

/** How a command describes its long work to the person at the terminal. */
export interface InteractiveWorkOptions {
  /** What a stop left behind, when the work itself doesn't say (e.g. "nothing was imported"). */
  whenStopped?: string;
  /**
   * Tidies up, synchronously, before a second Ctrl+C quits at once: the database keeps nothing
   * half-done (the work is transactional), but a file being written would stay behind.
   */
  onQuit?: () => void;
}

/** Progress as lines on stderr (stdout stays the result), "step (done of total)". */
function progressLines(output: CliOutput): LongWork['progress'] {
  let lastReportAt = 0;
  return (done, total, message) => {
    const now = Date.now();
    if (now - lastReportAt < PROGRESS_INTERVAL_MS && done !== total) return;
    lastReportAt = now;
    output.err(
      `${message ?? 'working'} (${done.toLocaleString('en-US')}${total === undefined ? '' : ` of ${total.toLocaleString('en-US')}`})`,
    );
  };
}

/**
 * Runs long work from the terminal with progress lines and Ctrl+C as Cancel. The first Ctrl+C
 * stops the work at its next safe point, where it says what was kept; a second quits at once
 * (exit 130, as a shell reports an interrupt), for work that is slow to reach that point.
 */
export async function withInteractiveWork<T>(
  output: CliOutput,
  run: (work: LongWork) => Promise<T>,
  { whenStopped = 'nothing was changed', onQuit }: InteractiveWorkOptions = {},
): Promise<T> {
  const controller = new AbortController();
  const onInterrupt = (): void => {
    if (controller.signal.aborted) {
      onQuit?.();
      process.exit(130);
    }
    output.err('Stopping at the next safe point… (Ctrl+C again to quit now)');
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  try {
    return await run({ signal: controller.signal, progress: progressLines(output) });
  } catch (error) {
    // Work that explains its own stop (a sync says how much it pushed) keeps its words.
    if (controller.signal.aborted && !(error instanceof UserFacingError)) {
      throw new UserFacingError(`Stopped: ${whenStopped}.`, { cause: error });
    }
    throw error;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}
