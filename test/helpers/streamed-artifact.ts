import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { drainOrClose } from '@artifactapi/core/testing/slow-upstream';

/** An upstream handler that sends a large body in paced chunks, and reports its progress. */
export interface StreamedArtifact {
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Pause between chunks in ms; read at each chunk, so a test may speed up a later request. */
  intervalMs: number;
  /**
   * When set, a response stops once it has written this many bytes and waits there (holding the
   * download mid-body for as long as the test needs) until the client goes away or `holdAt` is
   * cleared and `release()` called.
   */
  holdAt: number | undefined;
  /** Wakes responses waiting at `holdAt`. */
  release(): void;
  /** Body bytes the most recent response has written. */
  readonly sent: number;
  /** Resolves once some response has written at least `bytes` body bytes. */
  whenSent(bytes: number): Promise<void>;
}

/**
 * Serves `body` with its Content-Length in `chunkSize` writes `intervalMs` apart (a transfer
 * lasts about size / chunkSize × intervalMs), stopping when the client goes away.
 */
export function streamedArtifact(body: Buffer, options: { chunkSize?: number; intervalMs?: number; holdAt?: number } = {}): StreamedArtifact {
  const chunkSize = options.chunkSize ?? 1024 * 1024;
  let sent = 0;
  const waiters = new Set<{ bytes: number; resolve: () => void }>();
  const progress = (bytes: number) => {
    sent = bytes;
    for (const w of waiters) {
      if (w.bytes > bytes) continue;
      waiters.delete(w);
      w.resolve();
    }
  };
  let wake = () => {};
  let released = new Promise<void>((resolve) => (wake = resolve));
  const artifact: StreamedArtifact = {
    intervalMs: options.intervalMs ?? 50,
    holdAt: options.holdAt,
    release() {
      wake();
      released = new Promise<void>((resolve) => (wake = resolve));
    },
    get sent() {
      return sent;
    },
    whenSent(bytes) {
      if (sent >= bytes) return Promise.resolve();
      return new Promise((resolve) => waiters.add({ bytes, resolve }));
    },
    async handler(req, res) {
      progress(0);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.byteLength) });
      if (req.method === 'HEAD') return void res.end();
      let gone = false;
      const closed = new Promise<void>((resolve) => res.once('close', resolve)).then(() => (gone = true));
      for (let offset = 0; offset < body.byteLength && !gone; ) {
        while (artifact.holdAt !== undefined && offset >= artifact.holdAt && !gone) await Promise.race([released, closed]);
        if (gone) break;
        const end = Math.min(offset + chunkSize, body.byteLength, artifact.holdAt ?? Infinity);
        const flushed = res.write(body.subarray(offset, end));
        offset = end;
        progress(end);
        if (!flushed) await drainOrClose(res);
        if (offset < body.byteLength && artifact.intervalMs > 0) await sleep(artifact.intervalMs);
      }
      if (!gone) res.end();
    },
  };
  return artifact;
}
