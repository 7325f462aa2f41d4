import { request } from 'node:http';

/** How a GET on its own new connection went. */
export interface RawGetResult {
  status?: number;
  body: Buffer;
  /** True when the body ended normally (not cut short). */
  complete: boolean;
  /** The socket or response error, e.g. ECONNREFUSED or a premature close. */
  error?: NodeJS.ErrnoException;
}

export interface RawGetOptions {
  /** Called once with the first body bytes. */
  onFirstBytes?: () => void;
}

/**
 * GET `url` on a fresh connection (no agent, no keep-alive), reading the whole body. Never
 * rejects: a refused connection or a body cut short is reported in the result.
 */
export function rawGet(url: string, options: RawGetOptions = {}): Promise<RawGetResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let first = true;
    const done = (result: Omit<RawGetResult, 'body'>) => resolve({ ...result, body: Buffer.concat(chunks) });
    const req = request(url, { agent: false, headers: { connection: 'close' } }, (res) => {
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        if (first) {
          first = false;
          options.onFirstBytes?.();
        }
      });
      res.once('end', () => done({ status: res.statusCode, complete: res.complete }));
      res.once('error', (error) => done({ status: res.statusCode, complete: false, error }));
      // Whichever of end / error / close comes first decides; close alone means cut short.
      res.once('close', () => done({ status: res.statusCode, complete: res.complete }));
    });
    req.once('error', (error) => done({ complete: false, error }));
    req.end();
  });
}
