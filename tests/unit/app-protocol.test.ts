import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_PAGE_URL, appProtocolHandler, rendererFileOf } from '../../electron/app-protocol';
import { CONTENT_SECURITY_POLICY } from '../../electron/content-security';
import { SECURITY_HEADER_NAMES } from '../support/security-headers';
import { TempFolders } from '../support/temp-folders';

const tempFolders = new TempFolders();
let rendererDir: string;
let secretFile: string;
const handle = (url: string, init?: RequestInit): Promise<Response> =>
  appProtocolHandler(rendererDir)(new Request(url, init));

beforeAll(async () => {
  const root = await tempFolders.make('lms-app-protocol');
  rendererDir = path.join(root, 'renderer');
  await fs.mkdir(path.join(rendererDir, 'assets'), { recursive: true });
  await fs.writeFile(
    path.join(rendererDir, 'index.html'),
    '<!doctype html><title>LMS Admin</title>',
  );
  await fs.writeFile(path.join(rendererDir, 'assets', 'index-abc.js'), 'console.log(1);');
  // Beside the renderer, as the main process and the database's files are: never served.
  secretFile = path.join(root, 'secret.txt');
  await fs.writeFile(secretFile, 'not for the page');
});

afterAll(() => tempFolders.removeAll());

describe("the app scheme's files", () => {
  it("maps the app's page and its assets into the renderer's build", () => {
    expect(rendererFileOf(APP_PAGE_URL, rendererDir)).toBe(path.join(rendererDir, 'index.html'));
    expect(rendererFileOf('lms-admin://app/', rendererDir)).toBe(
      path.join(rendererDir, 'index.html'),
    );
    expect(rendererFileOf('lms-admin://app/assets/index-abc.js?v=1#x', rendererDir)).toBe(
      path.join(rendererDir, 'assets', 'index-abc.js'),
    );
  });

  it('maps nothing outside the build, however the path is spelt', () => {
    for (const url of [
      'lms-admin://app/../secret.txt',
      'lms-admin://app/%2e%2e/secret.txt',
      'lms-admin://app/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      'lms-admin://app/..%5csecret.txt',
    ]) {
      const file = rendererFileOf(url, rendererDir);
      // The URL parser itself folds a plain `..` into the build's root; decoded ones are refused.
      expect(file === null || file.startsWith(rendererDir + path.sep), url).toBe(true);
      expect(file, url).not.toBe(secretFile);
    }
  });

  it('maps nothing for a NUL or a broken escape in the path', () => {
    expect(rendererFileOf('lms-admin://app/index.html%00.js', rendererDir)).toBeNull();
    expect(rendererFileOf('lms-admin://app/%E0%A4%A', rendererDir)).toBeNull();
  });

  it('maps nothing for another host or scheme', () => {
    expect(rendererFileOf('lms-admin://other/index.html', rendererDir)).toBeNull();
    expect(rendererFileOf('file:///index.html', rendererDir)).toBeNull();
    expect(rendererFileOf('https://app/index.html', rendererDir)).toBeNull();
  });
});

describe('the app scheme handler', () => {
  it("serves the page with the renderer's Content Security Policy and security headers", async () => {
    const response = await handle(APP_PAGE_URL);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    for (const name of SECURITY_HEADER_NAMES) expect(response.headers.has(name), name).toBe(true);
    expect(await response.text()).toContain('<title>LMS Admin</title>');
  });

  it('serves scripts as JavaScript', async () => {
    const response = await handle('lms-admin://app/assets/index-abc.js');
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('answers 404, with the same headers, for a missing file or one outside the build', async () => {
    for (const url of ['lms-admin://app/missing.js', 'lms-admin://app/%2e%2e/secret.txt']) {
      const response = await handle(url);
      expect(response.status, url).toBe(404);
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(await response.text()).not.toContain('not for the page');
    }
  });

  it('answers 405 to anything but GET', async () => {
    const response = await handle(APP_PAGE_URL, { method: 'POST', body: 'x' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
  });
});
