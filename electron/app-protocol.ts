/**
 * The Electron window's page comes from `lms-admin://app/`, a scheme of the app's own, rather
 * than `file://`: a file page may read other local files and shares one origin with every file on
 * disk, while this origin serves the built renderer and nothing else, with the renderer's security
 * headers (its Content Security Policy among them) on every response.
 *
 * The handler speaks only the Fetch API's `Request` and `Response`, as Electron's `protocol.handle`
 * does, so it is tested in plain Node.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { RENDERER_SECURITY_HEADERS } from './content-security';
import { contentTypeOf } from './content-types';

export const APP_SCHEME = 'lms-admin';
/** The origin of the app's page: everything the window may show comes from here. */
export const APP_ORIGIN = `${APP_SCHEME}://app`;
/** The app's one page; the renderer routes by fragment (`#/users/42`). */
export const APP_PAGE_URL = `${APP_ORIGIN}/index.html`;

/**
 * The file of the renderer's build that `requestUrl` names, or null when it names none: another
 * scheme or host, a path that would leave `rendererDir` (`..`, encoded or not), a NUL.
 */
export function rendererFileOf(requestUrl: string, rendererDir: string): string | null {
  if (!URL.canParse(requestUrl)) return null;
  const url = new URL(requestUrl);
  if (`${url.protocol}//${url.host}` !== APP_ORIGIN) return null;
  let relative: string;
  try {
    relative = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (relative.includes('\0') || relative.includes('\\')) return null;
  if (relative.split('/').some((segment) => segment === '..')) return null;
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, `.${relative === '/' ? '/index.html' : relative}`);
  return file.startsWith(root + path.sep) ? file : null;
}

function notFound(what: string): Response {
  return new Response(`Not found: ${what}\n`, {
    status: 404,
    headers: { ...RENDERER_SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

/** Answers the app scheme's requests from `rendererDir` (dist/renderer), GET only. */
export function appProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET') {
      return new Response('Only GET is served here.\n', {
        status: 405,
        headers: { ...RENDERER_SECURITY_HEADERS, Allow: 'GET' },
      });
    }
    const file = rendererFileOf(request.url, rendererDir);
    if (!file) return notFound(request.url);
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return notFound(request.url);
    }
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: {
        ...RENDERER_SECURITY_HEADERS,
        'Content-Type': contentTypeOf(file),
        'Cache-Control': 'no-cache',
      },
    });
  };
}
