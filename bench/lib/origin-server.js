// The origin (upstream) server, run as its own process so its pacing is not disturbed by the
// load generator. GET /blob/<bytes>/<name> answers <bytes> bytes: a shared random buffer whose
// first 32 bytes are derived from <name>, so every path has distinct content. Counts GETs per
// path (GET /_stats). Usage: node origin-server.js [--rate BYTES_PER_SEC] [--max BYTES]
import { createServer } from 'node:http';
import { createHash, randomFillSync } from 'node:crypto';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { rate: { type: 'string', default: '0' }, max: { type: 'string', default: String(64 * 1024 * 1024) } },
});
const rate = Number(values.rate);
const max = Number(values.max);
const CHUNK = 64 * 1024;
const base = Buffer.allocUnsafe(max);
for (let off = 0; off < max; off += 1 << 16) randomFillSync(base, off, Math.min(1 << 16, max - off));

const gets = new Map();
const LAST_MODIFIED = new Date('2024-01-01T00:00:00Z').toUTCString();

function prefixFor(name, size) {
  return createHash('sha256').update(name).digest().subarray(0, Math.min(32, size));
}

function drained(res) {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}

async function sendPaced(res, prefix, size) {
  res.write(prefix);
  const start = performance.now();
  let sent = prefix.length;
  while (sent < size && !res.destroyed) {
    const end = Math.min(size, sent + CHUNK);
    const ok = res.write(base.subarray(sent, end));
    sent = end;
    if (!ok) await drained(res);
    const ahead = (sent / rate) * 1000 - (performance.now() - start);
    if (ahead > 1) await new Promise((r) => setTimeout(r, ahead));
  }
  res.end();
}

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://origin');
  if (url.pathname === '/_stats') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ gets: Object.fromEntries(gets) }));
    return;
  }
  const match = /^\/blob\/(\d+)\/(.+)$/.exec(url.pathname);
  const size = match ? Number(match[1]) : -1;
  if (req.method === 'GET') gets.set(url.pathname, (gets.get(url.pathname) ?? 0) + 1);
  if (!match || size > max) {
    res.statusCode = 404;
    res.end('not found');
    return;
  }
  const prefix = prefixFor(match[2], size);
  res.setHeader('content-type', 'application/octet-stream');
  res.setHeader('content-length', size);
  res.setHeader('last-modified', LAST_MODIFIED);
  res.setHeader('etag', `"${size}-${prefix.subarray(0, 8).toString('hex')}"`);
  if (req.method === 'HEAD') return res.end();
  if (rate > 0) {
    sendPaced(res, prefix, size).catch(() => res.destroy());
  } else {
    res.write(prefix);
    res.end(base.subarray(prefix.length, size));
  }
});

server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});
process.on('SIGTERM', () => process.exit(0));
