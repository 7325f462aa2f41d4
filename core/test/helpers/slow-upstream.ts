import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** How {@link slowBody} paces and, optionally, breaks its response. */
export interface SlowBodyOptions {
  /** Bytes per write; default 1 MiB. */
  chunkSize?: number;
  /** Pause between writes in ms; default 50. */
  intervalMs?: number;
  /**
   * Awaited before the last chunk is written. Lets a test hold the end of the body until
   * something it wants to observe has happened (with its own time limit).
   */
  beforeLastChunk?: () => Promise<void>;
  /** Stop after this many bytes and destroy the socket (Content-Length still announces all). */
  cutAfter?: number;
}

/** A paced upstream body plus what the test needs to know about how it went. */
export interface SlowBody {
  /** An upstream handler for `startUpstream({ handlers })`. */
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** performance.now() just before the last chunk was written, once it has been. */
  readonly lastChunkAt: number | undefined;
  /** Bytes written so far by the most recent response. */
  readonly sent: number;
  /** Resolves when `bytes` have been written by some response. */
  whenSent(bytes: number): Promise<void>;
}

/**
 * Serves `body` with its Content-Length, `chunkSize` bytes every `intervalMs`, so a download
 * takes long enough for other requests to join it while it is in flight.
 */
export function slowBody(body: Buffer, options: SlowBodyOptions = {}): SlowBody {
  const chunkSize = options.chunkSize ?? 1024 * 1024;
  const intervalMs = options.intervalMs ?? 50;
  let lastChunkAt: number | undefined;
  let sent = 0;
  const waiters: { bytes: number; resolve: () => void }[] = [];
  const progress = (n: number) => {
    sent = n;
    for (const w of waiters.filter((w) => w.bytes <= n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    progress(0);
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(body.byteLength),
      etag: `"${createHash('sha1').update(body).digest('hex')}"`,
    });
    if (req.method === 'HEAD') return void res.end();
    let gone = false;
    res.on('close', () => (gone = true));
    for (let offset = 0; offset < body.byteLength && !gone; offset += chunkSize) {
      const end = Math.min(offset + chunkSize, body.byteLength);
      if (options.cutAfter !== undefined && end > options.cutAfter) {
        res.write(body.subarray(offset, options.cutAfter));
        progress(options.cutAfter);
        // Let the bytes leave before the connection breaks, so the cut is mid-body, not at the headers.
        await sleep(intervalMs);
        res.socket?.destroy();
        return;
      }
      if (end === body.byteLength) {
        await options.beforeLastChunk?.();
        lastChunkAt = performance.now();
      }
      const ok = res.write(body.subarray(offset, end));
      progress(end);
      if (!ok && !gone) await drainOrClose(res);
      if (end < body.byteLength) await sleep(intervalMs);
    }
    res.end();
  };
  return {
    handler,
    get lastChunkAt() {
      return lastChunkAt;
    },
    get sent() {
      return sent;
    },
    whenSent(bytes) {
      if (sent >= bytes) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ bytes, resolve }));
    },
  };
}

/** Resolves when `res` can take more bytes, or when its connection closed (so a write loop never hangs). */
export function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
