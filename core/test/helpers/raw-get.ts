import { request } from 'node:http';

/**
 * A request with the target exactly as given (fetch() resolves `..` and cuts `#…` before
 * sending); resolves with the status and the error code of a JSON error answer.
 */
export function rawGet(base: string, path: string, method = 'GET'): Promise<{ status: number; code?: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let code: string | undefined;
        try {
          code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
        } catch {
          code = undefined;
        }
        resolve({ status: res.statusCode ?? 0, code });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
