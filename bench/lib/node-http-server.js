// The node:http reference (issue 11): a bare node:http server that keeps every body it has fetched in a
// Map and answers hits from it with the product's hit headers and nothing else: no routing, no
// log, no metrics, no policy. It answers the product's URLs, /api/v1/remote/origin/<path> from the
// origin and /api/v1/remote/npm/<name> from the packument origin, and prints {"port": N} once it
// listens. Usage: node node-http-server.js <originPort> <npmOriginPort>
import { createServer } from 'node:http';
import { fetchBody } from './origin-fetch.js';

const [originPort, npmOriginPort] = process.argv.slice(2).map(Number);
const ORIGIN = '/api/v1/remote/origin/';
const NPM = '/api/v1/remote/npm/';
const stored = new Map();

function hitHeaders({ body, type }, name) {
  return [
    'x-artifact-source', 'cache',
    'x-artifact-cache', 'HIT',
    'content-type', type,
    'etag', '"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"',
    'last-modified', new Date(0).toUTCString(),
    'content-disposition', `attachment; filename="${name}"`,
    'accept-ranges', 'bytes',
    'content-length', String(body.length),
  ];
}

const server = createServer((req, res) => {
  const url = req.url ?? '';
  const hit = stored.get(url);
  if (hit) {
    res.writeHead(200, hit.headers);
    res.end(req.method === 'HEAD' ? undefined : hit.body);
    return;
  }
  const [port, path] = url.startsWith(ORIGIN) ? [originPort, `/${url.slice(ORIGIN.length)}`] : url.startsWith(NPM) ? [npmOriginPort, `/${url.slice(NPM.length)}`] : [];
  if (!port) return void res.writeHead(404).end();
  fetchBody(port, path).then(
    (got) => {
      const entry = { body: got.body, headers: hitHeaders(got, path.split('/').pop()) };
      stored.set(url, entry);
      entry.headers[3] = 'MISS';
      res.writeHead(200, entry.headers);
      entry.headers[3] = 'HIT';
      res.end(got.body);
    },
    () => res.writeHead(502).end(),
  );
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
