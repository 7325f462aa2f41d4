import test, { type ExecutionContext } from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { captureLogs, type CapturedLogs, type LogLine } from './helpers/log-capture.js';
import { startProxy, type TestProxy } from './helpers/proxy.js';

// Plain reads of repository URLs that cannot be answered from memory (misses, files on disk) are
// served by the hot path's serveDirect, outside fastify (src/http/direct-get.ts). These tests pin
// that it answers what the repository route answers, and that the errors it meets before a
// response starts are answered by that route. A `Via` header from another proxy sends a request
// through fastify (the loop check), which gives the route's own answer to compare with. Which
// path answered shows in the request ids: serveDirect's start with "direct-".

const LAST_MODIFIED = new Date('2024-02-03T04:05:06Z');
const BODY = Buffer.from('direct bytes '.repeat(20_000));
const THROUGH_FASTIFY = { via: '1.1 another-proxy' };
const SLOW_404_MS = 300;

async function directProxy(t: ExecutionContext): Promise<{ proxy: TestProxy; logs: CapturedLogs; upstreamGets: (path: string) => number }> {
  const file = { body: BODY, contentType: 'application/gzip', lastModified: LAST_MODIFIED };
  const upstream = await startUpstream({
    files: { '/a/tool-1.0.tgz': file, '/b/tool-1.0.tgz': file, '/broken/tool.tgz': { body: 'broken', status: 500 } },
    handlers: {
      '/slow/missing.tgz': async (_req, res) => {
        await sleep(SLOW_404_MS);
        res.statusCode = 404;
        res.end('no');
      },
    },
  });
  t.teardown(() => upstream.close());
  const logs = captureLogs();
  // Nothing in memory: hits are read from the blob files.
  const proxy = await startProxy(
    t,
    `
memory_cache: { max_bytes: 0 }
remotes:
  up:
    type: remote
    package: generic
    base_url: ${upstream.url}
`,
    { logger: logs.logger },
  );
  return { proxy, logs, upstreamGets: (path) => upstream.hits(path, 'GET') };
}

function comparable(res: Response): Record<string, string> {
  const headers = Object.fromEntries(res.headers);
  delete headers.date;
  return headers;
}

/** The request lines of `url`, once there are `count`: a line is written when the response has finished, which may be after the client has the last byte. */
async function requestLines(logs: CapturedLogs, url: string, count: number): Promise<LogLine[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const lines = logs.lines.filter((l) => l.msg === 'request' && l['url'] === url);
    if (lines.length >= count || Date.now() > deadline) return lines;
    await sleep(10);
  }
}

/** The line's fields that do not depend on the path that wrote it. */
function loggedFacts(line: LogLine): Record<string, unknown> {
  const { reqId: _id, ms: _ms, time: _time, url: _url, path: _path, ...rest } = line;
  return rest;
}

test('a miss and a hit on disk are answered outside fastify with the status, headers, body and log line the repository route gives', async (t) => {
  const { proxy, logs, upstreamGets } = await directProxy(t);
  const direct = `/api/v1/remote/up/a/tool-1.0.tgz`;
  const routed = `/api/v1/remote/up/b/tool-1.0.tgz`;
  for (const cache of ['MISS', 'HIT']) {
    const viaDirect = await fetch(proxy.url + direct);
    const directBody = Buffer.from(await viaDirect.arrayBuffer());
    const viaRoute = await fetch(proxy.url + routed, { headers: THROUGH_FASTIFY });
    const routeBody = Buffer.from(await viaRoute.arrayBuffer());
    t.is(viaDirect.status, 200);
    t.deepEqual(comparable(viaDirect), comparable(viaRoute), cache);
    t.like(comparable(viaDirect), {
      'x-artifact-cache': cache,
      'content-type': 'application/gzip',
      'content-length': String(BODY.byteLength),
      'last-modified': LAST_MODIFIED.toUTCString(),
      'content-disposition': 'attachment; filename="tool-1.0.tgz"',
    });
    t.true(directBody.equals(BODY), cache);
    t.true(routeBody.equals(BODY), cache);
  }
  t.is(upstreamGets('/a/tool-1.0.tgz'), 1);
  const directLines = await requestLines(logs, direct, 2);
  const routedLines = await requestLines(logs, routed, 2);
  t.is(directLines.length, 2);
  t.is(routedLines.length, 2);
  for (const n of [0, 1]) {
    t.regex(String(directLines[n]!.reqId), /^direct-/);
    t.notRegex(String(routedLines[n]!.reqId), /^(direct|hot)-/);
    t.deepEqual(loggedFacts(directLines[n]!), loggedFacts(routedLines[n]!));
  }
  t.like(directLines[0], { status: 200, repo: 'up', path: 'a/tool-1.0.tgz', cache: 'MISS', upstreamStatus: 200, bytes: BODY.byteLength });
  t.like(directLines[1], { status: 200, cache: 'HIT', bytes: BODY.byteLength });
});

test('HEAD outside fastify has the headers the route gives a HEAD, and no body', async (t) => {
  const { proxy, logs } = await directProxy(t);
  const direct = `/api/v1/remote/up/a/tool-1.0.tgz`;
  const head = await fetch(proxy.url + direct, { method: 'HEAD' });
  t.is(Buffer.from(await head.arrayBuffer()).byteLength, 0);
  const routed = await fetch(`${proxy.url}/api/v1/remote/up/b/tool-1.0.tgz`, { method: 'HEAD', headers: THROUGH_FASTIFY });
  await routed.arrayBuffer();
  t.is(head.status, 200);
  t.deepEqual(comparable(head), comparable(routed));
  t.is(head.headers.get('content-length'), String(BODY.byteLength));
  const [line] = await requestLines(logs, direct, 1);
  t.like(line, { method: 'HEAD', status: 200, bytes: 0 });
  t.regex(String(line?.reqId), /^direct-/);
  // The HEADs started downloads; reading the files whole waits for them (none is left running at teardown).
  for (const path of ['a', 'b']) await (await fetch(`${proxy.url}/api/v1/remote/up/${path}/tool-1.0.tgz`)).arrayBuffer();
});

test('an error met before the response starts is answered by the repository route, logged once with the time since the request came', async (t) => {
  const { proxy, logs, upstreamGets } = await directProxy(t);
  const url = '/api/v1/remote/up/slow/missing.tgz';
  const res = await fetch(proxy.url + url);
  t.is(res.status, 404);
  t.is(res.headers.get('content-type'), 'application/json; charset=utf-8');
  const body = (await res.json()) as { error: { code: string } };
  t.is(body.error.code, 'AAPI_ERR_NOT_FOUND');
  const lines = await requestLines(logs, url, 1);
  t.is(lines.length, 1, 'one line, from the route that answered');
  t.like(lines[0], { status: 404, repo: 'up', path: 'slow/missing.tgz', code: 'AAPI_ERR_NOT_FOUND', upstreamStatus: 404 });
  // Counted from when the request came, not from when the route took it over.
  t.true(Number(lines[0]!['ms']) >= SLOW_404_MS - 20, `ms ${String(lines[0]!['ms'])}`);

  // The route answers the error it was handed; it does not ask the upstream again.
  const broken = await fetch(`${proxy.url}/api/v1/remote/up/broken/tool.tgz`);
  t.is(broken.status, 502);
  t.like(await broken.json(), { error: { code: 'AAPI_ERR_UPSTREAM_FAILED' } });
  t.is(upstreamGets('/broken/tool.tgz'), 1);
});

test('requests serveDirect leaves to fastify: another proxy\'s Via, malformed percent-encoding, a path with no file', async (t) => {
  const { proxy, logs } = await directProxy(t);
  const malformed = await fetch(`${proxy.url}/api/v1/remote/up/a/tool%zz.tgz`);
  t.is(malformed.status, 400);
  t.is(((await malformed.json()) as { error: { code: string } }).error.code, 'AAPI_ERR_PATH_INVALID');
  const noFile = await fetch(`${proxy.url}/api/v1/remote/up/`);
  t.is(noFile.status, 400);
  await noFile.arrayBuffer();
  const viaOther = await fetch(`${proxy.url}/api/v1/remote/up/a/tool-1.0.tgz`, { headers: THROUGH_FASTIFY });
  t.is(viaOther.status, 200);
  await viaOther.arrayBuffer();
  const lines = await requestLines(logs, '/api/v1/remote/up/a/tool-1.0.tgz', 1);
  t.is(lines.length, 1);
  t.false(logs.lines.some((l) => l.msg === 'request' && String(l.reqId).startsWith('direct-')));
});
