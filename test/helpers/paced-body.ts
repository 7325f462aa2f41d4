import type { IncomingMessage, ServerResponse } from 'node:http';

/** A deterministic body of `size` bytes (not all zeros, so a misplaced chunk shows). */
export function patternBody(size: number): Buffer {
  const body = Buffer.alloc(size);
  for (let i = 0; i < size; i++) body[i] = (i * 31 + (i >> 10)) & 0xff;
  return body;
}

/**
 * An upstream handler that sends `body` with its Content-Length in `chunks` equal writes,
 * `intervalMs` apart, so a transfer lasts about chunks × intervalMs. It stops writing when
 * the connection goes away.
 */
export function pacedHandler(body: Buffer, chunks: number, intervalMs: number) {
  return (_req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length) });
    const size = Math.ceil(body.length / chunks);
    let offset = 0;
    const writeNext = (): void => {
      if (res.destroyed) return;
      const end = Math.min(offset + size, body.length);
      res.write(body.subarray(offset, end));
      offset = end;
      if (offset >= body.length) res.end();
      else timer = setTimeout(writeNext, intervalMs);
    };
    let timer = setTimeout(writeNext, 0);
    res.once('close', () => clearTimeout(timer));
  };
}
