// The floor under the product's fast lane (issue 11): a bare net server that answers a hit with
// one write of bytes it keeps per URL (head and body, the Date refreshed each second), and hands
// any other request, a miss included, to a node:http server that fetches the body and keeps it.
// No routing, log, metrics or policy, and only the simplest head check: a reference to measure
// against, not a server. Usage: node raw-socket-server.js <originPort> <npmOriginPort>
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { fetchBody } from './origin-fetch.js';

const [originPort, npmOriginPort] = process.argv.slice(2).map(Number);
const ORIGIN = '/api/v1/remote/origin/';
const NPM = '/api/v1/remote/npm/';
const END_OF_HEAD = Buffer.from('\r\n\r\n');
const stored = new Map();

let date = new Date().toUTCString();
setInterval(() => (date = new Date().toUTCString()), 1000).unref();

/** The whole response for a stored body, built again when the second changes. */
function responseBytes(entry) {
  if (entry.date !== date) {
    const head = [
      'HTTP/1.1 200 OK',
      'x-artifact-source: cache',
      'x-artifact-cache: HIT',
      `content-type: ${entry.type}`,
      'etag: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"',
      `last-modified: ${new Date(0).toUTCString()}`,
      `content-disposition: attachment; filename="${entry.name}"`,
      'accept-ranges: bytes',
      `content-length: ${entry.body.length}`,
      `Date: ${date}`,
      'Connection: keep-alive',
      'Keep-Alive: timeout=72',
    ].join('\r\n');
    entry.bytes = Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), entry.body]);
    entry.date = date;
  }
  return entry.bytes;
}

const misses = createHttpServer((req, res) => {
  const url = req.url ?? '';
  const [port, path] = url.startsWith(ORIGIN) ? [originPort, `/${url.slice(ORIGIN.length)}`] : url.startsWith(NPM) ? [npmOriginPort, `/${url.slice(NPM.length)}`] : [];
  if (!port) return void res.writeHead(404).end();
  fetchBody(port, path).then(
    (got) => {
      stored.set(url, { ...got, name: path.split('/').pop() });
      res.writeHead(200, { 'x-artifact-cache': 'MISS', 'content-type': got.type, 'content-length': got.body.length });
      res.end(got.body);
    },
    () => res.writeHead(502).end(),
  );
});

const server = createNetServer({ noDelay: true }, (socket) => {
  const handOver = (chunk) => {
    socket.off('data', onData);
    socket.pause();
    socket.unshift(chunk);
    misses.emit('connection', socket);
    socket.resume();
  };
  // One whole GET per chunk, as wrk sends them; anything else goes to node:http for good.
  const onData = (chunk) => {
    const end = chunk.indexOf(END_OF_HEAD);
    if (end < 0 || end + 4 !== chunk.length || chunk.toString('latin1', 0, 4) !== 'GET ') return handOver(chunk);
    const hit = stored.get(chunk.toString('latin1', 4, chunk.indexOf(0x20, 4)));
    if (!hit) return handOver(chunk);
    socket.write(responseBytes(hit));
  };
  socket.on('data', onData);
  socket.on('error', () => socket.destroy());
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
