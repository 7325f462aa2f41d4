import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request that reached S3, as the wire saw it. */
export interface S3Request {
  method: string;
  /** The path without the query, e.g. `/bucket/prefix/blobs/sha256/ab/abc…`. */
  path: string;
}

/** A logging HTTP relay in front of an S3 server (s3rver): point the store's endpoint at `endpoint`. */
export interface S3RequestLog {
  /** `http://127.0.0.1:<port>`; use path-style addressing. */
  readonly endpoint: string;
  /** Every request relayed so far, in arrival order. */
  readonly requests: readonly S3Request[];
  /** Requests whose method is `method` and whose path ends with `suffix` (e.g. a digest). */
  count(method: string, suffix?: string): number;
  /** Forgets the requests seen so far. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * Starts a relay that forwards each request unchanged (headers included, so SigV4 signatures made
 * for the relay's host still verify) to `target` and logs it: tests count the real requests a
 * store sends instead of wrapping the SDK's `send`.
 */
export async function startS3RequestLog(target: { port: number }): Promise<S3RequestLog> {
  const requests: S3Request[] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', path: (req.url ?? '').split('?')[0]! });
    const upstream = request({ host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    count: (method, suffix = '') => requests.filter((r) => r.method === method && r.path.endsWith(suffix)).length,
    reset: () => {
      requests.length = 0;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
