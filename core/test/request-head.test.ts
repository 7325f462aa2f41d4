import test from 'ava';
import fc from 'fast-check';
import { deepStrictEqual } from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { parsePlainHead, plainHeaders } from '../src/http/request-head.js';

// The fast lane answers the heads parsePlainHead accepts without node:http ever seeing them, so
// an accepted head must mean to node:http exactly what it means to the lane: else a request could
// be read one way by the lane and another by the server behind it.

function head(lines: string[]): Buffer {
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

test('a plain GET is read with its target and lower-cased headers, and where it ends', (t) => {
  const bytes = Buffer.concat([head(['GET /api/v1/remote/up/a.tgz?x=1 HTTP/1.1', 'Host: proxy:8080', 'Accept:  application/json \t', 'X-Empty:']), Buffer.from('GET /next')]);
  const parsed = parsePlainHead(bytes, 0);
  t.truthy(parsed);
  t.is(parsed!.method, 'GET');
  t.is(parsed!.url, '/api/v1/remote/up/a.tgz?x=1');
  t.deepEqual({ ...plainHeaders(parsed!) }, { host: 'proxy:8080', accept: 'application/json', 'x-empty': '' });
  t.is(bytes.toString('latin1', parsed!.end), 'GET /next');
});

test('headers come lower-cased on request, and not at all when a name comes twice (node:http merges those its own way)', (t) => {
  const once = parsePlainHead(head(['GET /a HTTP/1.1', 'HOST: h', 'Accept: a', '__proto__: p']), 0)!;
  t.deepEqual(Object.entries(plainHeaders(once)!), [['host', 'h'], ['accept', 'a'], ['__proto__', 'p']]);
  const twice = parsePlainHead(head(['GET /a HTTP/1.1', 'Host: h', 'Accept: a', 'accept: b']), 0)!;
  t.like(twice, { method: 'GET', url: '/a' });
  t.is(plainHeaders(twice), undefined);
});

test('a head is read from where it starts in the buffer', (t) => {
  const first = head(['HEAD /a HTTP/1.1', 'Host: h']);
  const both = Buffer.concat([first, head(['GET /b HTTP/1.1', 'Host: h', 'Connection: Keep-Alive'])]);
  const second = parsePlainHead(both, first.length);
  t.like(second, { method: 'GET', url: '/b', end: both.length });
  t.like(parsePlainHead(both, 0), { method: 'HEAD', url: '/a', end: first.length });
});

const REFUSED: Array<[string, Buffer]> = [
  ['a POST', head(['POST /a HTTP/1.1', 'Host: h'])],
  ['a lower-case method', head(['get /a HTTP/1.1', 'Host: h'])],
  ['HTTP/1.0', head(['GET /a HTTP/1.0', 'Host: h'])],
  ['an absolute-form target', head(['GET http://h/a HTTP/1.1', 'Host: h'])],
  ['no Host', head(['GET /a HTTP/1.1', 'Accept: */*'])],
  ['a Host twice', head(['GET /a HTTP/1.1', 'Host: h', 'host: h'])],
  ['Content-Length', head(['GET /a HTTP/1.1', 'Host: h', 'Content-Length: 0'])],
  ['Transfer-Encoding', head(['GET /a HTTP/1.1', 'Host: h', 'Transfer-Encoding: chunked'])],
  ['Range', head(['GET /a HTTP/1.1', 'Host: h', 'range: bytes=0-1'])],
  ['If-None-Match', head(['GET /a HTTP/1.1', 'Host: h', 'If-None-Match: "x"'])],
  ['Expect', head(['GET /a HTTP/1.1', 'Host: h', 'Expect: 100-continue'])],
  ['Upgrade', head(['GET /a HTTP/1.1', 'Host: h', 'Connection: Upgrade', 'Upgrade: websocket'])],
  ['Connection: close', head(['GET /a HTTP/1.1', 'Host: h', 'Connection: close'])],
  ['obs-text in a value', head(['GET /a HTTP/1.1', 'Host: h', 'X: caf\xe9'])],
  ['a NUL in a value', head(['GET /a HTTP/1.1', 'Host: h', 'X: a\x00b'])],
  ['a folded line', head(['GET /a HTTP/1.1', 'Host: h', 'X: a', ' b'])],
  ['a space before the colon', head(['GET /a HTTP/1.1', 'Host: h', 'X : a'])],
  ['a bare LF', Buffer.from('GET /a HTTP/1.1\r\nHost: h\nX: a\r\n\r\n', 'latin1')],
  ['a bare CR', Buffer.from('GET /a HTTP/1.1\r\nHost: h\rX: a\r\n\r\n', 'latin1')],
  ['a head not all here', Buffer.from('GET /a HTTP/1.1\r\nHost: h\r\n', 'latin1')],
  ['a head over 8 KiB', head(['GET /a HTTP/1.1', 'Host: h', `X: ${'a'.repeat(9000)}`])],
];

for (const [name, bytes] of REFUSED) {
  test(`refused: ${name}`, (t) => {
    t.is(parsePlainHead(bytes, 0), undefined);
  });
}

/** What node:http's own parser makes of the first request in `bytes`; undefined when it makes none (an error, or waiting for more). */
async function nodeReading(port: number, bytes: Buffer): Promise<{ method: string; url: string; headers: IncomingHttpHeaders } | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      readings.set(socket.localPort!, finish);
      socket.end(bytes);
    });
    const timer = setTimeout(() => finish(undefined), 2000);
    const finish = (value: { method: string; url: string; headers: IncomingHttpHeaders } | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    socket.on('error', () => finish(undefined));
    socket.on('close', () => finish(undefined));
  });
}

const readings = new Map<number, (value: { method: string; url: string; headers: IncomingHttpHeaders }) => void>();

const TOKEN_CHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".split('');
const VISIBLE = Array.from({ length: 0x7f - 0x21 }, (_, i) => String.fromCharCode(0x21 + i));
// Bytes that break heads in interesting ways, and some that do not.
const NOISE = ['\r', '\n', '\r\n', ' ', '\t', ':', '\x00', '\x7f', '\x80', '\xff', 'a', '/', '?', '#', '%'];

const plainHead = fc
  .record({
    method: fc.constantFrom('GET', 'HEAD'),
    path: fc.array(fc.constantFrom(...VISIBLE), { maxLength: 40 }).map((c) => `/${c.join('')}`),
    headers: fc.uniqueArray(
      fc.tuple(
        fc.array(fc.constantFrom(...TOKEN_CHARS), { minLength: 1, maxLength: 12 }).map((c) => `x-${c.join('')}`),
        fc.array(fc.constantFrom(...VISIBLE, ' '), { maxLength: 20 }).map((c) => c.join('').trim()),
      ),
      { selector: ([name]) => name.toLowerCase(), maxLength: 6 },
    ),
  })
  .map(({ method, path, headers }) => `${method} ${path} HTTP/1.1\r\nHost: h\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`);

test('every head the lane accepts, node:http reads the same way (random edits of plain heads)', async (t) => {
  const server = createServer((req, res) => {
    readings.get(req.socket.remotePort!)?.({ method: req.method!, url: req.url!, headers: req.headers });
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const { port } = server.address() as AddressInfo;
  let accepted = 0;
  await fc.assert(
    fc.asyncProperty(plainHead, fc.array(fc.tuple(fc.nat(), fc.constantFrom(...NOISE), fc.boolean()), { maxLength: 3 }), async (text, edits) => {
      let edited = text;
      for (const [at, noise, replace] of edits) {
        const i = at % (edited.length + 1);
        edited = edited.slice(0, i) + noise + edited.slice(replace ? i + 1 : i);
      }
      const bytes = Buffer.from(edited, 'latin1');
      const lane = parsePlainHead(bytes, 0);
      if (!lane) return;
      accepted++;
      const node = await nodeReading(port, bytes);
      if (!node) throw new Error(`node:http did not read a head the lane accepted: ${JSON.stringify(edited)}`);
      deepStrictEqual({ method: node.method, url: node.url }, { method: lane.method, url: lane.url });
      const headers = plainHeaders(lane);
      if (headers) deepStrictEqual({ ...node.headers }, { ...headers });
    }),
    { numRuns: 400 },
  );
  // Most edits leave a head the lane refuses; enough must be accepted for the comparison to mean something.
  t.true(accepted > 50, `${accepted} accepted`);
});
