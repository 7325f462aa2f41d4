import test, { type ExecutionContext } from 'ava';
import fc from 'fast-check';
import { deepStrictEqual } from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { captureLogs, type CapturedLogs } from './helpers/log-capture.js';
import { genericRemote, startProxy, type TestProxy } from './helpers/proxy.js';
import { RawConnection, type RawResponse } from './helpers/raw-http.js';

// Hot hits on a connection's first requests are answered on the socket, ahead of node:http's
// parser (src/http/fast-lane.ts); at the first request the lane does not take, node:http has the
// connection. These tests send exact bytes on fresh connections and pin what comes back and who
// answered: the lane's request ids start with "hot-lane-", node:http's hot path's with "hot-".

const SMALL = Buffer.from('lane bytes '.repeat(300));
// Above the size the lane sends in one buffer with its head.
const LARGE = randomBytes(40 * 1024);
const SMALL_PATH = '/api/v1/remote/up/dist/small.tgz';
const LARGE_PATH = '/api/v1/remote/up/dist/large.bin';

interface LaneProxy {
  proxy: TestProxy;
  logs: CapturedLogs;
  upstreamGets: () => number;
}

/** A proxy whose two files are cached and in memory (a miss, then a hit through the pipeline). */
async function laneProxy(t: ExecutionContext): Promise<LaneProxy> {
  const upstream = await startUpstream({
    files: {
      '/dist/small.tgz': { body: SMALL, contentType: 'application/gzip' },
      '/dist/large.bin': { body: LARGE, contentType: 'application/octet-stream' },
    },
  });
  t.teardown(() => upstream.close());
  const logs = captureLogs();
  const proxy = await startProxy(t, genericRemote(upstream.url), { logger: logs.logger });
  for (const path of [SMALL_PATH, LARGE_PATH]) for (let i = 0; i < 2; i++) await (await fetch(proxy.url + path)).arrayBuffer();
  return { proxy, logs, upstreamGets: () => upstream.hits('/dist/small.tgz', 'GET') + upstream.hits('/dist/large.bin', 'GET') };
}

async function connection(t: ExecutionContext, proxy: TestProxy): Promise<RawConnection> {
  const raw = await RawConnection.open(proxy.url);
  t.teardown(() => raw.close());
  return raw;
}

function get(path: string, extra = '', method = 'GET'): string {
  return `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: lane-test\r\n${extra}\r\n`;
}

/** Request ids of the request lines logged since `from`, in order. */
function idsSince(logs: CapturedLogs, from: number): string[] {
  return logs.lines.slice(from).filter((l) => l.msg === 'request').map((l) => String(l.reqId));
}

/** The response head without its Date line, which changes by the second. */
function withoutDate(response: RawResponse): string {
  return response.head.split('\r\n').filter((line) => !line.startsWith('Date: ')).join('\r\n');
}

test("a fresh connection's hit is answered by the lane with the bytes node:http sends for it", async (t) => {
  const { proxy, logs, upstreamGets } = await laneProxy(t);
  for (const [path, body] of [[SMALL_PATH, SMALL], [LARGE_PATH, LARGE]] as const) {
    const from = logs.lines.length;
    const lane = await connection(t, proxy);
    lane.send(get(path));
    const [byLane] = await lane.responses(1);
    // /health is not a hit: node:http takes this connection, and its hot path the hit after it.
    const nodeHttp = await connection(t, proxy);
    nodeHttp.send(get('/health'));
    await nodeHttp.responses(1);
    nodeHttp.send(get(path));
    const [byNodeHttp] = await nodeHttp.responses(1);

    t.is(byLane!.status, 200);
    t.true(byLane!.body.equals(body));
    t.true(byNodeHttp!.body.equals(body));
    t.is(withoutDate(byLane!), withoutDate(byNodeHttp!));
    t.regex(byLane!.head, /\r\nDate: [A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT\r\n/);
    t.regex(byLane!.head, /\r\nConnection: keep-alive\r\nKeep-Alive: timeout=72$/);
    const ids = idsSince(logs, from);
    t.is(ids.length, 3);
    t.regex(ids[0]!, /^hot-lane-\d+$/);
    t.regex(ids[2]!, /^hot-\d+$/);
  }
  const line = logs.lines.filter((l) => String(l.reqId).startsWith('hot-lane-')).at(-1)!;
  t.like(line, { method: 'GET', url: LARGE_PATH, status: 200, repo: 'up', path: 'dist/large.bin', cache: 'HIT', bytes: LARGE.byteLength });
  t.is(upstreamGets(), 2);
});

test('HEAD on the lane sends the headers of a GET and no body', async (t) => {
  const { proxy, logs } = await laneProxy(t);
  const from = logs.lines.length;
  const raw = await connection(t, proxy);
  raw.send(get(SMALL_PATH, '', 'HEAD') + get(SMALL_PATH));
  const [head, body] = await raw.responses(2, (i) => i === 0);
  t.is(head!.status, 200);
  t.is(head!.headers['content-length'], String(SMALL.byteLength));
  t.is(withoutDate(head!), withoutDate(body!));
  // The GET right behind the HEAD starts where the HEAD's head ends: no body bytes came between.
  t.true(body!.body.equals(SMALL));
  const lines = logs.lines.slice(from).filter((l) => l.msg === 'request');
  t.like(lines[0], { method: 'HEAD', bytes: 0, cache: 'HIT' });
  t.true(lines.every((l) => String(l.reqId).startsWith('hot-lane-')));
});

test('pipelined requests are answered in order, node:http taking over at the first the lane does not answer', async (t) => {
  const { proxy, logs } = await laneProxy(t);
  const from = logs.lines.length;
  const raw = await connection(t, proxy);
  raw.send(get(SMALL_PATH) + get(LARGE_PATH, '', 'HEAD') + get(LARGE_PATH) + get('/health') + get(SMALL_PATH) + get(SMALL_PATH, 'Range: bytes=0-4\r\n'));
  const responses = await raw.responses(6, (i) => i === 1);
  t.deepEqual(
    responses.map((r) => r.status),
    [200, 200, 200, 200, 200, 206],
  );
  t.true(responses[0]!.body.equals(SMALL));
  t.is(responses[1]!.body.byteLength, 0);
  t.true(responses[2]!.body.equals(LARGE));
  t.like(JSON.parse(responses[3]!.body.toString()), { status: 'ok' });
  t.true(responses[4]!.body.equals(SMALL));
  t.is(responses[5]!.body.toString(), 'lane ');
  const ids = idsSince(logs, from).map((id) => id.replace(/\d+$/, ''));
  t.deepEqual(ids.slice(0, 3), ['hot-lane-', 'hot-lane-', 'hot-lane-']);
  // node:http logs a response when it is done, fastify's later than its hot path's.
  t.deepEqual(ids.slice(3).sort(), ['hot-', 'req-', 'req-']);
});

test('a head that comes in pieces is left to node:http, which answers it', async (t) => {
  const { proxy, logs } = await laneProxy(t);
  const from = logs.lines.length;
  const raw = await connection(t, proxy);
  const request = get(SMALL_PATH);
  raw.send(request.slice(0, 30));
  await sleep(50);
  raw.send(request.slice(30));
  const [response] = await raw.responses(1);
  t.is(response!.status, 200);
  t.true(response!.body.equals(SMALL));
  t.deepEqual(idsSince(logs, from).map((id) => id.replace(/\d+$/, '')), ['hot-']);
});

/** A request the lane must leave to node:http, and what node:http and the pipeline answer. */
interface LeftAlone {
  name: string;
  request: string;
  status: number;
  /** What the response must also show. */
  check?: (t: ExecutionContext, response: RawResponse, raw: RawConnection) => Promise<void>;
}

const LEFT_ALONE: LeftAlone[] = [
  { name: 'a Range', request: get(SMALL_PATH, 'Range: bytes=5-9\r\n'), status: 206 },
  { name: 'an If-Modified-Since far ahead', request: get(SMALL_PATH, 'If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT\r\n'), status: 304 },
  {
    name: 'Connection: close',
    request: get(SMALL_PATH, 'Connection: close\r\n'),
    status: 200,
    check: async (t, response, raw) => {
      t.is(response.headers.connection, 'close');
      await raw.closed;
      t.pass();
    },
  },
  {
    name: 'HTTP/1.0',
    request: `GET ${SMALL_PATH} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n`,
    status: 200,
    check: async (t, response, raw) => {
      t.true(response.body.equals(SMALL));
      await raw.closed;
      t.pass();
    },
  },
  { name: 'no Host', request: `GET ${SMALL_PATH} HTTP/1.1\r\nUser-Agent: lane-test\r\n\r\n`, status: 400 },
  // node:http keeps the first.
  { name: 'two Hosts', request: get(SMALL_PATH, 'Host: 127.0.0.1\r\n'), status: 200 },
  { name: 'a chunked body on a GET', request: get(SMALL_PATH, 'Transfer-Encoding: chunked\r\n') + '0\r\n\r\n', status: 200 },
  { name: 'a Content-Length body on a GET', request: get(SMALL_PATH, 'Content-Length: 3\r\n') + 'abc', status: 200 },
  { name: 'a header value with a byte above 0x7e', request: get(SMALL_PATH, 'X-Note: caf\xe9\r\n'), status: 200 },
  { name: 'a line folded onto the next', request: get(SMALL_PATH, 'X-Note: one\r\n two\r\n'), status: 400 },
  { name: 'a bare LF ending a header line', request: `GET ${SMALL_PATH} HTTP/1.1\r\nHost: 127.0.0.1\nX-Note: a\r\n\r\n`, status: 400 },
  { name: 'a space before the colon', request: get(SMALL_PATH, 'X-Note : a\r\n'), status: 400 },
  { name: 'an absolute-form target', request: `GET http://127.0.0.1${SMALL_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, status: 200 },
];

for (const { name, request, status, check } of LEFT_ALONE) {
  test(`a request with ${name} is left to node:http: ${status}`, async (t) => {
    const { proxy, logs } = await laneProxy(t);
    const from = logs.lines.length;
    const raw = await connection(t, proxy);
    raw.send(request);
    const [response] = await raw.responses(1);
    t.is(response!.status, status);
    if (status === 200) t.true(response!.body.equals(SMALL));
    await check?.(t, response!, raw);
    t.false(idsSince(logs, from).some((id) => id.startsWith('hot-lane-')));
  });
}

test('a client that sends requests faster than it reads responses gets every one, in order', async (t) => {
  const { proxy, logs } = await laneProxy(t);
  const raw = await connection(t, proxy);
  const count = 600;
  // ~24 MB of responses: far more than the socket buffers hold while nobody reads.
  raw.socket.pause();
  let requests = '';
  for (let i = 0; i < count; i++) requests += i % 100 === 99 ? get(SMALL_PATH) : get(LARGE_PATH);
  raw.send(requests);
  await sleep(300);
  const answeredUnread = logs.lines.filter((l) => String(l.reqId).startsWith('hot-lane-')).length;
  // The lane waits for the client, as node:http does, rather than keep all its answers in memory.
  t.true(answeredUnread < count, `${answeredUnread} answered while the client read nothing`);
  raw.socket.resume();
  const responses = await raw.responses(count);
  t.is(responses.length, count);
  t.true(responses.every((r, i) => r.status === 200 && r.body.equals(i % 100 === 99 ? SMALL : LARGE)));
  t.is(logs.lines.filter((l) => String(l.reqId).startsWith('hot-lane-')).length, count);
});

test("close() ends the lane's connections and does not wait for their keep-alive timeout", async (t) => {
  const { proxy, logs } = await laneProxy(t);
  const raw = await connection(t, proxy);
  raw.send(get(SMALL_PATH));
  await raw.responses(1);
  t.true(logs.lines.some((l) => String(l.reqId).startsWith('hot-lane-')));
  const closed = proxy.close().then(() => 'closed' as const);
  // Far below the 72 s keep-alive timeout, far above what closing takes on a loaded machine.
  t.is(await Promise.race([closed, sleep(30_000).then(() => 'still open' as const)]), 'closed');
  await raw.closed;
  t.pass();
});

test("an idle connection on the lane is closed after the server's keep-alive timeout, as node:http closes its own", async (t) => {
  const { proxy } = await laneProxy(t);
  // 72 s by default; shortened here so the test can wait for it.
  proxy.server.app.server.keepAliveTimeout = 400;
  const raw = await connection(t, proxy);
  raw.send(get(SMALL_PATH));
  const [response] = await raw.responses(1);
  t.is(response!.status, 200);
  const started = Date.now();
  t.is(await Promise.race([raw.closed.then(() => 'closed' as const), sleep(10_000).then(() => 'still open' as const)]), 'closed');
  t.true(Date.now() - started >= 300, 'not before the timeout');
});

test('any mix of requests, sent in one write or cut anywhere, is answered in order with what each asks for', async (t) => {
  const { proxy, logs } = await laneProxy(t);
  const kinds = {
    small: { request: get(SMALL_PATH), status: 200, body: SMALL },
    large: { request: get(LARGE_PATH), status: 200, body: LARGE },
    head: { request: get(SMALL_PATH, '', 'HEAD'), status: 200, body: Buffer.alloc(0) },
    health: { request: get('/health'), status: 200 },
    range: { request: get(LARGE_PATH, 'Range: bytes=3-9\r\n'), status: 206, body: LARGE.subarray(3, 10) },
    missing: { request: get('/api/v1/remote/up/dist/none.tgz'), status: 404 },
  } as const;
  const names = Object.keys(kinds) as Array<keyof typeof kinds>;
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 8 }),
      fc.array(fc.nat(), { maxLength: 3 }),
      async (sequence, cuts) => {
        const bytes = Buffer.from(sequence.map((name) => kinds[name].request).join(''), 'latin1');
        const points = [...new Set(cuts.map((c) => c % bytes.length))].filter((c) => c > 0).sort((a, b) => a - b);
        const raw = await RawConnection.open(proxy.url);
        try {
          let from = 0;
          for (const point of [...points, bytes.length]) {
            raw.send(bytes.subarray(from, point));
            from = point;
            await sleep(2);
          }
          const responses = await raw.responses(sequence.length, (i) => sequence[i] === 'head');
          for (const [i, name] of sequence.entries()) {
            const expected: { status: number; body?: Buffer } = kinds[name];
            deepStrictEqual(responses[i]!.status, expected.status, `${i} ${name}`);
            if (expected.body) deepStrictEqual(responses[i]!.body.equals(expected.body), true, `${i} ${name}`);
          }
        } finally {
          raw.close();
        }
      },
    ),
    { numRuns: 150 },
  );
  const laneAnswered = logs.lines.filter((l) => String(l.reqId).startsWith('hot-lane-')).length;
  // Sequences that start with hits, sent whole, must have met the lane.
  t.true(laneAnswered > 0, `${laneAnswered} answered by the lane`);
});
