/**
 * The Electron main process: one instance per user, the database opened (the embedded server
 * started and migrated when no other database is configured) before the window, the API bound to
 * IPC for the window's page only, and the database let go of only after the window is gone.
 *
 * Electron runs it as JavaScript: `npm run build` bundles it to dist/electron/main.js.
 */
import { app, dialog, ipcMain, safeStorage, session, type BrowserWindow } from 'electron';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveDataDir } from '../db/data-dir';
import { ProfileStore } from '../db/profiles/profile-store';
import { secretBoxFor } from '../db/profiles/secret-box';
import { UserFacingError } from '../db/user-facing-error';
import { Router } from './api/router';
import { openAppDatabase, type AppDatabase } from './app-database';
import { bindIpc } from './ipc';
import { isAppPage } from './navigation';
import { createAppWindow, guardWebContents, hardenSession, registerAppScheme } from './window';

/** Beside this file once built: the bundled preload, and the renderer's build next to this folder. */
const PRELOAD_PATH = fileURLToPath(new URL('./preload.cjs', import.meta.url));
const RENDERER_DIR = fileURLToPath(new URL('../renderer/', import.meta.url));

const log = (line: string): void => console.log(line);

/** What went wrong, in words a person can act on: a UserFacingError says it already. */
function reasonOf(error: unknown): string {
  if (error instanceof UserFacingError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

function run(): void {
  let appWindow: BrowserWindow | null = null;
  let unbindIpc: (() => void) | null = null;
  /** Set once opening starts, so quitting mid-start still waits for it and closes what it opened. */
  let opening: Promise<AppDatabase> | null = null;
  let shutdown: 'running' | 'stopping' | 'stopped' = 'running';

  const stopAll = async (): Promise<void> => {
    unbindIpc?.();
    unbindIpc = null;
    const database = await opening?.catch(() => null);
    await database?.close();
  };

  app.on('second-instance', () => {
    if (!appWindow) return;
    if (appWindow.isMinimized()) appWindow.restore();
    appWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents));
  // The window is the app: with it closed, the database stops, on macOS too.
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (shutdown === 'stopped') return;
    event.preventDefault();
    if (shutdown === 'stopping') return;
    shutdown = 'stopping';
    stopAll()
      .catch((error: unknown) => console.error('Error while stopping the database:', error))
      .finally(() => {
        shutdown = 'stopped';
        app.quit();
      });
  });
  // Started from a terminal, Ctrl+C quits as the window's close button does: the database stops first.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  app
    .whenReady()
    .then(async () => {
      if (!existsSync(path.join(RENDERER_DIR, 'index.html'))) {
        // Only a development checkout can get here: a package always holds the renderer.
        dialog.showErrorBox(
          'LMS Admin is not built',
          `There is no renderer in ${RENDERER_DIR}: run npm run build (npm start does), then start again.`,
        );
        app.exit(1);
        return;
      }
      hardenSession(session.defaultSession, RENDERER_DIR);
      // Profile passwords under the OS keychain's key (safeStorage works only once the app is ready).
      const dataDir = resolveDataDir();
      const secretBox = secretBoxFor(dataDir, safeStorage);
      opening = openAppDatabase(log, secretBox);
      let database: AppDatabase;
      try {
        database = await opening;
      } catch (error) {
        dialog.showErrorBox(
          'LMS Admin could not open its database',
          `${reasonOf(error)}\n\nLMS Admin will close now.`,
        );
        app.exit(1);
        return;
      }
      if (shutdown !== 'running') return;
      unbindIpc = bindIpc({
        ipcMain,
        router: new Router({ db: database.db, profiles: new ProfileStore(dataDir, secretBox) }),
        isTrustedSender: isAppPage,
      });
      appWindow = await createAppWindow(PRELOAD_PATH);
      appWindow.on('closed', () => {
        appWindow = null;
      });
    })
    .catch((error: unknown) => {
      console.error('LMS Admin could not start:', error);
      dialog.showErrorBox('LMS Admin could not start', reasonOf(error));
      app.quit();
    });
}

registerAppScheme();
// Every renderer sandboxed, whatever a window's own preferences say.
app.enableSandbox();
if (app.requestSingleInstanceLock()) run();
else app.quit();
