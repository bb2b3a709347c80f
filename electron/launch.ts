/**
 * `npm start` and `npm run web` (`--browser`): LMS Admin in its Electron window where the runtime
 * is there (its download is tried first where it is missing), else in the browser: opens the
 * database (the embedded server, started and migrated, or DATABASE_URL), serves LMS Admin on
 * 127.0.0.1 and opens it in the browser, until Ctrl+C. When the window can't be had, one line
 * says why before the browser opens.
 *
 * Flags: `--browser` (skip Electron), `--no-open` (print the link only), `--port N`.
 * `LMS_WEB_TOKEN` fixes the launch token (for scripts and end-to-end tests).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { UserFacingError } from '../db/user-facing-error';
import { Router } from './api/router';
import { openAppDatabase } from './app-database';
import { obtainElectron, type ElectronRuntime } from './electron-runtime';
import { startWebHost, webTokenSchema } from './web-host';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const STATIC_DIR = path.join(projectRoot, 'dist', 'renderer');
/** The main process, as `npm run build` leaves it (Electron runs JavaScript, not TypeScript). */
const ELECTRON_MAIN = path.join(projectRoot, 'dist', 'electron', 'main.js');

const portMessage = '--port must be a whole number from 1 to 65535';
const flagsSchema = z.object({
  browser: z.boolean().default(false),
  'no-open': z.boolean().default(false),
  port: z
    .string()
    .regex(/^[0-9]{1,5}$/, { message: portMessage })
    .transform(Number)
    .pipe(z.number().int().min(1, { message: portMessage }).max(65535, { message: portMessage }))
    .optional(),
});
type Flags = z.infer<typeof flagsSchema>;

/** What zod found wrong, as the end of a one-line message. */
function firstIssue(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'is not valid';
}

function parseFlags(argv: string[]): Flags {
  let values: unknown;
  try {
    values = parseArgs({
      args: argv,
      options: {
        browser: { type: 'boolean' },
        'no-open': { type: 'boolean' },
        port: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('.')[0] : String(error);
    throw new UserFacingError(`${reason}. Flags: --browser, --no-open, --port N.`);
  }
  const flags = flagsSchema.safeParse(values);
  if (!flags.success) throw new UserFacingError(firstIssue(flags.error));
  return flags.data;
}

/** The runtime to run the window in, or why there is none: one line, said before the browser opens. */
async function electronRuntime(): Promise<{ runtime: ElectronRuntime } | { reason: string }> {
  const browserInstead = 'opening LMS Admin in your browser instead';
  const obtained = await obtainElectron((line) => console.log(line));
  if ('reason' in obtained) {
    return { reason: `Electron runtime not available (${obtained.reason}); ${browserInstead}.` };
  }
  const { runtime } = obtained;
  if (!existsSync(ELECTRON_MAIN)) {
    return {
      reason: `Electron ${runtime.version} is installed, but its main process is not built (npm run build makes ${path.relative(projectRoot, ELECTRON_MAIN)}); ${browserInstead}.`,
    };
  }
  const hasDisplay =
    process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  if (!hasDisplay) {
    return {
      reason: `Electron ${runtime.version} is installed, but there is no display to open a window on (DISPLAY is not set); ${browserInstead}.`,
    };
  }
  return { runtime };
}

/**
 * Runs the app in Electron until its window closes, and exits with its exit code. Ctrl+C reaches
 * Electron too (same process group): it stops the database itself, so this waits for it.
 */
function runElectron(runtime: ElectronRuntime): void {
  console.log(`Starting LMS Admin in Electron ${runtime.version}…`);
  const env = { ...process.env };
  // Set, it would make Electron a plain Node.js and run main.js without a window.
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(runtime.binary, [projectRoot], { stdio: 'inherit', env });
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  process.on('SIGINT', () => undefined).on('SIGTERM', forward);
  child.on('error', (error) => {
    console.error(`Error: Electron could not start: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/** Opens `url` in the default browser; where that fails, the printed link still works. */
function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? // `start` takes its first quoted argument as a window title: hence the empty one, passed as is.
          ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  const child = spawn(command, args, {
    stdio: 'ignore',
    detached: true,
    windowsVerbatimArguments: process.platform === 'win32',
  });
  child.on('error', () => undefined);
  child.unref();
}

/** Thrown between start-up steps once Ctrl+C has asked to stop. */
class StopRequested extends Error {}

/**
 * Serves LMS Admin on 127.0.0.1 until SIGINT or SIGTERM, then closes all it opened, newest first.
 * A stop asked for while starting waits for the step under way (an embedded server half started
 * must still be stopped), then closes what is open.
 */
async function runBrowserMode(flags: Flags): Promise<void> {
  const token = webTokenSchema.optional().safeParse(process.env.LMS_WEB_TOKEN || undefined);
  if (!token.success) throw new UserFacingError(`LMS_WEB_TOKEN ${firstIssue(token.error)}.`);
  const cleanups: (() => Promise<void>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  let isStopRequested = false;
  let isRunning = false;
  const stop = (): void => {
    // A second Ctrl+C while closing falls to Node's default and ends the process at once.
    process.off('SIGINT', stop).off('SIGTERM', stop);
    isStopRequested = true;
    console.log('Stopping LMS Admin…');
    if (isRunning) {
      closeAll().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error('Error while stopping:', error);
          process.exit(1);
        },
      );
    }
  };
  process.on('SIGINT', stop).on('SIGTERM', stop);
  const unlessStopRequested = (): void => {
    if (isStopRequested) throw new StopRequested();
  };
  try {
    const database = await openAppDatabase((line) => console.log(line));
    cleanups.push(() => database.close());
    unlessStopRequested();
    const host = await startWebHost({
      router: new Router({ db: database.db }),
      staticDir: STATIC_DIR,
      port: flags.port,
      token: token.data,
    });
    cleanups.push(() => host.close());
    unlessStopRequested();
    isRunning = true;
    console.log(`LMS Admin is running at ${host.openUrl}`);
    console.log('Ctrl+C stops it (and the database, if it was started here).');
    if (!flags['no-open']) openInBrowser(host.openUrl);
  } catch (error) {
    process.off('SIGINT', stop).off('SIGTERM', stop);
    await closeAll();
    // Ctrl+C reaches the whole process group: a step it cut short (initdb, say) fails by its doing.
    if (isStopRequested) process.exit(0);
    throw error;
  }
}

async function launch(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  if (!flags.browser) {
    const electron = await electronRuntime();
    if ('runtime' in electron) {
      runElectron(electron.runtime);
      return;
    }
    console.log(electron.reason);
  }
  await runBrowserMode(flags);
}

launch().catch((error: unknown) => {
  console.error(error instanceof UserFacingError ? `Error: ${error.message}` : error);
  process.exit(1);
});
