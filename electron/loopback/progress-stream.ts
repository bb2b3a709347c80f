import type { ServerResponse } from 'node:http';
import type { ApiProgress } from '../api/contract';
import { PROGRESS_EVENT } from '../transport';

/**
 * The open `GET /rpc-events` streams (Server-Sent Events), each told every progress event. Every
 * stream belongs to a page that holds the launch token, which is the trust boundary of the host;
 * the page picks out its own calls by `callId`.
 */
export class ProgressStreams {
  private readonly streams = new Set<ServerResponse>();

  /** Starts a stream on `res`; it announces `ready` at once so the page knows events will arrive. */
  open(res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      // The connection carries nothing after the stream: ending one ends the other.
      Connection: 'close',
    });
    res.write('retry: 2000\nevent: ready\ndata: {}\n\n');
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
  }

  publish(progress: ApiProgress): void {
    const frame = `event: ${PROGRESS_EVENT}\ndata: ${JSON.stringify(progress)}\n\n`;
    for (const stream of this.streams) stream.write(frame);
  }

  /** Ends every stream, so the server can close. */
  closeAll(): void {
    for (const stream of this.streams) stream.end();
    this.streams.clear();
  }
}
