// The npm registry the packument benchmark proxies, run as its own process. GET /<name> answers
// the full packument (lib/packument-generate.js) of `<name>`, whose size is encoded in the name:
// `bench-<bytes>` (e.g. bench-200000), or `@scope%2fbench-<bytes>`. Documents are generated on
// first request and kept. Answers 304 to a matching If-None-Match, and counts GETs per path
// (GET /_stats). Usage: node packument-origin-server.js [--names bench-200000,…] (generated
// before it reports its port, so no first request waits seconds for a large document)
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { generatePackument } from './packument-generate.js';

const MAX_BYTES = 64 * 1000 * 1000;
const LAST_MODIFIED = new Date('2024-01-01T00:00:00Z').toUTCString();
const documents = new Map();
const gets = new Map();
let tarballBase = '';

function documentFor(path) {
  const name = decodeURIComponent(path.slice(1));
  const match = /^(?:@[^/]+\/)?bench-(\d+)$/.exec(name);
  const bytes = match ? Number(match[1]) : 0;
  if (!match || bytes > MAX_BYTES) return undefined;
  let doc = documents.get(name);
  if (!doc) {
    const body = generatePackument({ name, targetBytes: bytes, tarballBase });
    doc = { body, etag: `"${name}-${body.length}"` };
    documents.set(name, doc);
  }
  return doc;
}

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://origin');
  if (url.pathname === '/_stats') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ gets: Object.fromEntries(gets) }));
    return;
  }
  if (req.method === 'GET') gets.set(url.pathname, (gets.get(url.pathname) ?? 0) + 1);
  const doc = documentFor(url.pathname);
  if (!doc) {
    res.statusCode = 404;
    res.setHeader('content-type', 'application/json');
    res.end('{"error":"Not found"}');
    return;
  }
  res.setHeader('etag', doc.etag);
  res.setHeader('last-modified', LAST_MODIFIED);
  if (req.headers['if-none-match'] === doc.etag) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', doc.body.length);
  res.end(req.method === 'HEAD' ? undefined : doc.body);
});

server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  tarballBase = `http://127.0.0.1:${server.address().port}`;
  const { values } = parseArgs({ options: { names: { type: 'string', default: '' } } });
  for (const name of values.names.split(',').filter(Boolean)) documentFor(`/${name}`);
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});
process.on('SIGTERM', () => process.exit(0));
