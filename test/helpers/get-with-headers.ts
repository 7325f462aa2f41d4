import { request, type IncomingHttpHeaders } from 'node:http';

export interface HeadersGetResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * GET `url` with exactly these request headers, Host included: fetch() does not let a test
 * choose the Host header, which is what the server builds public URLs from. Keeps about the
 * first `keepBytes` of the body (all by default) and reads the rest without keeping it.
 */
export function getWithHeaders(url: string, headers: Record<string, string>, keepBytes = Infinity): Promise<HeadersGetResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (chunk: Buffer) => {
        if (kept >= keepBytes) return;
        chunks.push(chunk);
        kept += chunk.byteLength;
      });
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end();
  });
}
