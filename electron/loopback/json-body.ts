import type { IncomingMessage } from 'node:http';

/** A request body read as JSON, or why it can't be: with the HTTP status to answer. */
export type JsonBody =
  { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; message: string };

/** Whether the request declares a JSON body (a form or `text/plain` post never does). */
export function isJsonRequest(req: IncomingMessage): boolean {
  const mediaType = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/json';
}

/**
 * Reads the body up to `maxBytes` and parses it as UTF-8 JSON; an empty body is `undefined` (the
 * router reads that as `{}`). A body refused unread, or past the limit, is drained and dropped
 * rather than kept: the answer goes out at once, and the connection stays usable for the next call
 * (cutting it off mid-upload can lose the answer in a reset).
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<JsonBody> {
  const refuse = (body: JsonBody): JsonBody => {
    req.resume();
    return body;
  };
  if (!isJsonRequest(req)) {
    return refuse({
      ok: false,
      status: 415,
      message: 'Send the call input as JSON, with Content-Type: application/json.',
    });
  }
  const tooLarge: JsonBody = {
    ok: false,
    status: 413,
    message: `The request body is larger than ${formatBytes(maxBytes)}; send less at once.`,
  };
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) return refuse(tooLarge);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (body: JsonBody): void => {
      req.off('data', onData).off('end', onEnd).off('error', onError);
      resolve(body);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) finish(refuse(tooLarge));
      else chunks.push(chunk);
    };
    const onEnd = (): void => finish(parseJson(Buffer.concat(chunks)));
    const onError = (error: Error): void =>
      finish({
        ok: false,
        status: 400,
        message: `The request body could not be read: ${error.message}.`,
      });
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

function parseJson(bytes: Buffer): JsonBody {
  if (bytes.length === 0) return { ok: true, value: undefined };
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, status: 400, message: `The request body is not valid JSON: ${reason}.` };
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${bytes} bytes`;
}
