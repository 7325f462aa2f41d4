// "The same work inline": a node:http server that serves 4 KiB hits from memory (GET /hit), any
// number of bytes from memory (GET /body/<bytes>, a reference for large responses), and rewrites
// a stored packument on its own event loop (GET /rewrite), calling the npm plugin's
// rewritePackument exactly as the product's worker does, with the public base taken from
// X-Forwarded-Host and the variant from Accept. The stored document is read from disk once and
// kept in memory (the product keeps recent documents in its hot cache too). Run with
// eld-preload.mjs so its loop is measured as the product's is.
// Usage: node --import eld-preload.mjs packument-inline-server.js --file <packument.json> --name <package>
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { rewritePackument } from '../../plugins/npm/dist/src/rewrite-packument.js';
import { variantFor } from '../../plugins/npm/dist/src/accept.js';

const { values } = parseArgs({ options: { file: { type: 'string' }, name: { type: 'string' } } });
const stored = new Uint8Array(readFileSync(values.file));
const hit = Buffer.alloc(4 * 1024, 'a');

function rewrite(req, res) {
  const host = req.headers['x-forwarded-host'] ?? req.headers.host;
  const ctx = {
    publicBase: `http://${host}/api/v1/remote/npm`,
    repo: 'npm',
    upstreamBase: 'http://127.0.0.1',
    options: {},
    path: values.name,
    variant: variantFor(req.headers.accept),
  };
  const result = rewritePackument({ body: stored, ctx });
  res.setHeader('content-type', result.contentType);
  res.setHeader('content-length', result.body.byteLength);
  res.end(result.body);
}

// GET /body/<bytes>: that many bytes from memory, the floor under serving a rendered document.
const bodies = new Map();
function body(bytes, res) {
  let buf = bodies.get(bytes);
  if (!buf) bodies.set(bytes, (buf = Buffer.alloc(bytes, ' ')));
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', buf.length);
  res.end(buf);
}

const server = createServer((req, res) => {
  if (req.url === '/rewrite') return rewrite(req, res);
  const sized = /^\/body\/(\d{1,9})$/.exec(req.url);
  if (sized) return body(Number(sized[1]), res);
  res.setHeader('content-type', 'application/octet-stream');
  res.setHeader('content-length', hit.length);
  res.end(hit);
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n'));
process.on('SIGTERM', () => process.exit(0));
