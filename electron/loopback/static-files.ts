/**
 * Serves the built renderer (`vite build` → dist/renderer) and nothing outside it. Until it is
 * built, every page says how to build it.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { contentTypeOf } from '../content-types';

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>LMS Admin: not built yet</title></head>
  <body>
    <h1>LMS Admin isn't built yet</h1>
    <p>Run <code>npm run build</code>, then reload this page (<code>npm run web</code> builds and starts it in one go).</p>
  </body>
</html>
`;

function sendText(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  res.end(body);
}

/** The file a URL path names inside `root`, or null when it would leave it (`..`, symlinks, NUL). */
async function resolveInside(root: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const candidate = path.resolve(root, `.${path.sep}${path.normalize(decoded)}`);
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(candidate)]);
    const isInside = realFile === realRoot || realFile.startsWith(realRoot + path.sep);
    return isInside && (await stat(realFile)).isFile() ? realFile : null;
  } catch {
    return null;
  }
}

/** Answers a GET or HEAD for a page or asset of the renderer. */
export async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  root: string,
  urlPath: string,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    sendText(res, 405, 'text/plain; charset=utf-8', 'Only GET and HEAD are served here.\n');
    return;
  }
  const index = await resolveInside(root, '/index.html');
  if (!index) {
    sendText(res, 503, 'text/html; charset=utf-8', NOT_BUILT_PAGE);
    return;
  }
  const requested = urlPath.endsWith('/') ? index : await resolveInside(root, urlPath);
  // A path without an extension is a page of the app, not a missing asset: the app routes it.
  const file = requested ?? (path.extname(urlPath) === '' ? index : null);
  if (!file) {
    sendText(res, 404, 'text/plain; charset=utf-8', `Not found: ${urlPath}\n`);
    return;
  }
  const size = (await stat(file)).size;
  res.writeHead(200, {
    'Content-Type': contentTypeOf(file),
    'Content-Length': size,
    'Cache-Control': 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}
