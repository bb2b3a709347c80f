/**
 * The hardened parts of the Electron shell: the app's page served from its own scheme, a session
 * that grants no permission, web contents that can't leave the app's page or open windows, and
 * the one window itself. What is decided (which URL may load, which link may open in the browser)
 * lives in plain modules with their own tests; this file only wires the verdicts into Electron.
 *
 * Electron's remote module is gone since Electron 14, so there is nothing to turn off there.
 */
import { BrowserWindow, protocol, shell, type Session, type WebContents } from 'electron';
import { APP_PAGE_URL, APP_SCHEME, appProtocolHandler } from './app-protocol';
import { isAppPage, navigationVerdict } from './navigation';

/** Declares the app's scheme a standard, secure origin. Electron allows this only before `ready`. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true } },
  ]);
}

/**
 * Serves the renderer from `rendererDir` on the app's scheme, and refuses every permission a page
 * could ask for: the app needs none (no camera, location, notifications or devices).
 */
export function hardenSession(target: Session, rendererDir: string): void {
  target.protocol.handle(APP_SCHEME, appProtocolHandler(rendererDir));
  target.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  target.setPermissionCheckHandler(() => false);
  target.setDevicePermissionHandler(() => false);
}

/** Hands an allowed link to the person's browser; any other link goes nowhere. */
function openIfAllowed(url: string): void {
  if (navigationVerdict(url) !== 'open-externally') return;
  // Reviewed for Electronegativity's openExternal check: only an https link to a listed host
  // (external-links.ts) gets past the line above.
  const opened = shell.openExternal(url); // eng-disable OPEN_EXTERNAL_JS_CHECK
  opened.catch((error: unknown) => {
    process.stderr.write(`[lms-admin] could not open ${url} in the browser: ${String(error)}\n`);
  });
}

/**
 * Applied to every web contents the app creates (the window, and anything a page might make):
 * no `<webview>`, no navigation away from the app's page, no redirects, no new windows.
 */
export function guardWebContents(contents: WebContents): void {
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.on('will-navigate', (event) => {
    if (navigationVerdict(event.url) === 'navigate') return;
    event.preventDefault();
    openIfAllowed(event.url);
  });
  contents.on('will-redirect', (event) => {
    if (!isAppPage(event.url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    openIfAllowed(url);
    return { action: 'deny' };
  });
}

/**
 * Opens the app's window on its page, shown once the page has painted. Its page is isolated from
 * the preload, sandboxed, and has no Node.js; written out in full (defaults included) so that a
 * reader, and Electronegativity, see each choice here.
 */
export async function createAppWindow(preloadPath: string): Promise<BrowserWindow> {
  const window = new BrowserWindow({
    title: 'LMS Admin',
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    show: false,
    webPreferences: {
      // Reviewed for Electronegativity's preload check: the preload hands the page `invoke` for
      // contract channels and `on('progress')`, never ipcRenderer itself (preload.ts).
      preload: preloadPath, // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      // A middle click would open a link in a new window; none may open anyway, this stops it earlier.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.once('ready-to-show', () => window.show());
  await window.loadURL(APP_PAGE_URL);
  return window;
}
