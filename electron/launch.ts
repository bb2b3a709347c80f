/**
 * `npm start` and `npm run web` (`--browser`): opens the database (the embedded server, started
 * and migrated, or DATABASE_URL), serves LMS Admin on 127.0.0.1 and opens it in the browser,
 * until Ctrl+C.
 *
 * `npm start` prefers the Electron window. The window's main process is not built yet, so it
 * says in one line why the browser opens instead: no Electron runtime, or no window to run in it.
 *
 * Flags: `--browser` (skip Electron), `--no-open` (print the link only), `--port N`.
 * `LMS_WEB_TOKEN` fixes the launch token (for scripts and end-to-end tests).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { Database } from '../db/connection';
import { openDatabaseTarget } from '../db/database-target';
import { Migrator } from '../db/migrator';
import { UserFacingError } from '../db/user-facing-error';
import { Router } from './api/router';
import { startWebHost, webTokenSchema } from './web-host';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const electronDir = path.join(projectRoot, 'node_modules', 'electron');
const STATIC_DIR = path.join(projectRoot, 'dist', 'renderer');
const ELECTRON_INSTALL_TIMEOUT_MS = 60_000;

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

/** The Electron binary's version when the runtime is installed (as electron's own install.js checks). */
function installedElectronVersion(): string | null {
  try {
    const version = readFileSync(path.join(electronDir, 'dist', 'version'), 'utf8').trim();
    const binary = readFileSync(path.join(electronDir, 'path.txt'), 'utf8').trim();
    return existsSync(path.join(electronDir, 'dist', binary)) ? version : null;
  } catch {
    return null;
  }
}

/** Runs electron's own installer (it downloads the runtime), giving up after a minute. */
async function installElectron(): Promise<string | null> {
  return new Promise((resolve) => {
    const installer = spawn(process.execPath, [path.join(electronDir, 'install.js')], {
      cwd: electronDir,
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: ELECTRON_INSTALL_TIMEOUT_MS,
    });
    let stderr = '';
    installer.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    installer.on('error', (error) => resolve(`its installer could not run: ${error.message}`));
    installer.on('close', (code, signal) => {
      if (signal)
        resolve(`its download did not finish within ${ELECTRON_INSTALL_TIMEOUT_MS / 1000} s`);
      else if (code !== 0) {
        const firstLine = stderr.trim().split('\n')[0] ?? '';
        resolve(`its download failed${firstLine ? `: ${firstLine}` : ''}`);
      } else resolve(null);
    });
  });
}

/** Why `npm start` opens the browser: no runtime, or (for now) no window to run in it. One line. */
async function electronFallbackReason(): Promise<string> {
  const browserInstead = 'opening LMS Admin in your browser instead';
  if (!existsSync(path.join(electronDir, 'install.js'))) {
    return `Electron runtime not available (the electron package is not installed); ${browserInstead}.`;
  }
  let version = installedElectronVersion();
  if (!version) {
    console.log(
      `The Electron runtime is missing; trying to download it (up to ${ELECTRON_INSTALL_TIMEOUT_MS / 1000} s)…`,
    );
    const failure = await installElectron();
    version = installedElectronVersion();
    if (!version) {
      return `Electron runtime not available (${failure ?? 'the installer left no runtime behind'}); ${browserInstead}.`;
    }
  }
  return `Electron ${version} is installed, but the LMS Admin window (electron/main.ts) is not built yet; ${browserInstead}.`;
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

async function migrate(databaseUrl: string): Promise<void> {
  const migrator = new Migrator({ databaseUrl });
  migrator.on('lock-waiting', ({ timeoutMs }) =>
    console.log(`Waiting up to ${timeoutMs / 1000} s for another process to finish migrating…`),
  );
  migrator.on('migrating', ({ name, index, total }) =>
    console.log(`Applying ${name} (${index}/${total})…`),
  );
  try {
    const applied = await migrator.up();
    console.log(`Schema current: ${applied.length} migration(s) applied now.`);
  } finally {
    await migrator.close();
  }
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
    const target = await openDatabaseTarget();
    cleanups.push(() => target.release());
    unlessStopRequested();
    console.log(`Database: ${target.label}.`);
    await migrate(target.url);
    unlessStopRequested();
    const db = await Database.open(target.url);
    cleanups.push(() => db.close());
    unlessStopRequested();
    const host = await startWebHost({
      router: new Router({ db }),
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
  if (!flags.browser) console.log(await electronFallbackReason());
  await runBrowserMode(flags);
}

launch().catch((error: unknown) => {
  console.error(error instanceof UserFacingError ? `Error: ${error.message}` : error);
  process.exit(1);
});
