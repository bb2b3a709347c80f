import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ElectronApplication, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EmbeddedServer } from '../../db/embedded';
import { APP_PAGE_URL } from '../../electron/app-protocol';
import { CONTENT_SECURITY_POLICY } from '../../electron/content-security';
import {
  electronAvailability,
  launchLmsAdminElectron,
  type LmsAdminElectron,
} from '../support/electron-app';
import { createMigratedDatabase, type TestDatabase } from '../support/test-database';

const availability = electronAvailability();
const runtime = 'runtime' in availability ? availability.runtime : null;
if ('reason' in availability)
  console.log(`Skipping the Electron shell tests: ${availability.reason}.`);

/** Somewhere the window must never go, and never open. */
const FOREIGN_URL = 'https://example.com/';

describe.skipIf(!runtime)('the Electron shell', () => {
  let database: TestDatabase;
  let dataDir: string;
  let shell: LmsAdminElectron;
  let app: ElectronApplication;
  let page: Page;

  beforeAll(async () => {
    if (!runtime) throw new Error('unreachable: the suite runs only with a runtime');
    database = await createMigratedDatabase();
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lms-electron-data-'));
    shell = await launchLmsAdminElectron(runtime, inject('rendererDir'), {
      DATABASE_URL: database.url,
      LMS_DATA_DIR: dataDir,
    });
    ({ app, page } = shell);
  });

  afterAll(async () => {
    await shell?.close();
    await database?.drop();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  it("opens one window on the app's page, which asks for the first admin through the API", async () => {
    expect(page.url().startsWith(APP_PAGE_URL)).toBe(true);
    await page.getByRole('heading', { name: 'Set up LMS Admin' }).waitFor();
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
  });

  it('runs the page isolated and sandboxed, without Node.js or webviews', async () => {
    const preferences = await app.evaluate(({ BrowserWindow }) => {
      // Undocumented (and so untyped), but what Electron's own tests read a window's preferences with.
      const contents = BrowserWindow.getAllWindows()[0]?.webContents as unknown as {
        getLastWebPreferences(): Electron.WebPreferences | null;
      };
      const preferences = contents.getLastWebPreferences();
      return {
        contextIsolation: preferences?.contextIsolation,
        sandbox: preferences?.sandbox,
        nodeIntegration: preferences?.nodeIntegration,
        nodeIntegrationInSubFrames: preferences?.nodeIntegrationInSubFrames,
        webSecurity: preferences?.webSecurity,
        allowRunningInsecureContent: preferences?.allowRunningInsecureContent,
        webviewTag: preferences?.webviewTag,
      };
    });
    expect(preferences).toEqual({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    const pageGlobals = await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      lms: Object.keys(window.lms ?? {}).sort(),
    }));
    expect(pageGlobals).toEqual({
      require: 'undefined',
      process: 'undefined',
      lms: ['invoke', 'on'],
    });
  });

  it('serves the page with the Content Security Policy, and the page obeys it', async () => {
    const policy = await app.evaluate(
      async ({ net }, url) => (await net.fetch(url)).headers.get('content-security-policy'),
      APP_PAGE_URL,
    );
    expect(policy).toBe(CONTENT_SECURITY_POLICY);
    const didInlineScriptRun = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'document.body.dataset.inlineScript = "ran";';
      document.head.append(script);
      return document.body.dataset.inlineScript === 'ran';
    });
    expect(didInlineScriptRun).toBe(false);
  });

  it('stays on its page when the page tries to go to another site', async () => {
    const navigation = app.evaluate(
      ({ BrowserWindow }) =>
        new Promise<boolean>((resolve) => {
          // Added after the app's own guard, so it sees the guard's verdict.
          BrowserWindow.getAllWindows()[0]?.webContents.once('will-navigate', (event) =>
            resolve(event.defaultPrevented),
          );
        }),
    );
    await page.evaluate((url) => {
      window.location.href = url;
    }, FOREIGN_URL);
    expect(await navigation).toBe(true);
    expect(page.url().startsWith(APP_PAGE_URL)).toBe(true);
  });

  it('opens no new window, whatever the page asks', async () => {
    const opened = await page.evaluate((url) => window.open(url), FOREIGN_URL);
    expect(opened).toBeNull();
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
  });

  it('grants the page no permission', async () => {
    expect(await page.evaluate(() => Notification.requestPermission())).toBe('denied');
  });

  it('answers API calls from its own page, and refuses them from any other page', async () => {
    const own = await page.evaluate(() => window.lms?.invoke('auth.state', {}));
    expect(own).toMatchObject({ ok: true });
    // The same preload, in a page that isn't the app's: the bridge is there, the API says no.
    const foreign = await app.evaluate(async ({ BrowserWindow }, preload) => {
      const other = new BrowserWindow({
        show: false,
        webPreferences: { preload, sandbox: true, contextIsolation: true },
      });
      try {
        await other.loadURL('data:text/html,<title>Another page</title>');
        return (await other.webContents.executeJavaScript(
          "window.lms.invoke('auth.state', {})",
        )) as unknown;
      } finally {
        other.destroy();
      }
    }, shell.preloadPath);
    expect(foreign).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe.skipIf(!runtime)('the Electron shell on the embedded database', () => {
  it('starts the embedded PostgreSQL before its window, and stops it when the window closes', async () => {
    if (!runtime) throw new Error('unreachable: the suite runs only with a runtime');
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lms-electron-embedded-'));
    const server = new EmbeddedServer(dataDir);
    try {
      const shell = await launchLmsAdminElectron(runtime, inject('rendererDir'), {
        LMS_DATA_DIR: dataDir,
        DATABASE_URL: '',
      });
      try {
        await shell.page.getByRole('heading', { name: 'Set up LMS Admin' }).waitFor();
        expect((await server.status()).state).toBe('running');
      } finally {
        await shell.close();
      }
      expect((await server.status()).state).toBe('stopped');
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
