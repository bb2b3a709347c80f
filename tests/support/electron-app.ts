import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { installedElectron, type ElectronRuntime } from '../../electron/electron-runtime';
import { buildElectron } from '../../tools/build-electron';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
/** Inside the project, so the built main process finds its npm packages in node_modules. */
const BUILDS_DIR = path.join(projectRoot, 'test-results', 'electron');
/** How long the window may take to appear (a loaded machine, a first start of the embedded server). */
const WINDOW_TIMEOUT_MS = 90_000;

/** The Electron runtime the shell's tests run in, or why they can't run here. */
export function electronAvailability(): { runtime: ElectronRuntime } | { reason: string } {
  const runtime = installedElectron();
  if (!runtime) {
    return {
      reason:
        'the Electron runtime is not installed (`npm start` or `node node_modules/electron/install.js` fetches it)',
    };
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'there is no display for its window (DISPLAY is not set; try xvfb-run)' };
  }
  return { runtime };
}

/** LMS Admin running in Electron, with its window's page, and what to remove once it has quit. */
export interface LmsAdminElectron {
  app: ElectronApplication;
  page: Page;
  /** The preload the app's window runs. */
  preloadPath: string;
  /** Quits the app (it lets go of its database first) and removes its build. */
  close(): Promise<void>;
}

/**
 * Builds the main process, preload and migrations as `npm run build` does, beside the renderer the
 * end-to-end project built (`rendererDir`), and starts it in Electron with `env` added.
 */
export async function launchLmsAdminElectron(
  runtime: ElectronRuntime,
  rendererDir: string,
  env: Record<string, string>,
): Promise<LmsAdminElectron> {
  await fs.mkdir(BUILDS_DIR, { recursive: true });
  const outDir = await fs.mkdtemp(path.join(BUILDS_DIR, 'build-'));
  await buildElectron(outDir);
  // The main process finds the renderer at ../renderer from itself, as in the packaged app.
  await fs.symlink(rendererDir, path.join(outDir, 'renderer'), 'dir');
  const childEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && name !== 'ELECTRON_RUN_AS_NODE') childEnv[name] = value;
  }
  const app = await _electron.launch({
    executablePath: runtime.binary,
    args: [path.join(outDir, 'electron', 'main.js')],
    env: { ...childEnv, ...env },
  });
  // The window opens once the database is open: on a fresh data folder, after initdb and migrations.
  const page = await app.firstWindow({ timeout: WINDOW_TIMEOUT_MS });
  await page.waitForLoadState('domcontentloaded');
  return {
    app,
    page,
    preloadPath: path.join(outDir, 'electron', 'preload.cjs'),
    async close() {
      await app.close();
      await fs.rm(outDir, { recursive: true, force: true });
    },
  };
}
