// One GET with timings: time to response headers, to the first body byte, and to the end.
import { request } from 'node:http';

/**
 * GETs `url` (loopback only) and drains the body. Resolves with { status, headers, bytes,
 * headersMs, ttfbMs, totalMs, head } where `head` is the first 32 body bytes.
 */
export function timedGet(url, { agent = false, timeoutMs = 120_000 } = {}) {
  const target = new URL(url);
  if (target.hostname !== '127.0.0.1') throw new Error(`refusing non-loopback target ${url}`);
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = request(target, { agent }, (res) => {
      const headersMs = performance.now() - start;
      let ttfbMs = NaN;
      let bytes = 0;
      const heads = [];
      let headLength = 0;
      res.on('data', (chunk) => {
        if (bytes === 0) ttfbMs = performance.now() - start;
        if (headLength < 32) {
          heads.push(chunk.subarray(0, 32 - headLength));
          headLength += Math.min(chunk.length, 32 - headLength);
        }
        bytes += chunk.length;
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode,
          headers: res.headers,
          bytes,
          headersMs,
          ttfbMs,
          totalMs: performance.now() - start,
          head: Buffer.concat(heads),
        }),
      );
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${url}`)));
    req.on('error', reject);
    req.end();
  });
}
