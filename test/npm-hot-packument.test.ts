import test, { type ExecutionContext } from 'ava';
import { captureLogs, type CapturedLogs } from '@artifactapi/core/testing/log-capture';
import { startProxy } from '@artifactapi/core/testing/proxy';
import { RawConnection } from '@artifactapi/core/testing/raw-http';
import { getWithHeaders, type HeadersGetResult } from './helpers/get-with-headers.js';
import { startFixtureRegistry } from './npm-fixture-registry.js';

// A packument whose rendering for the client is in memory is answered ahead of fastify
// (core/src/http/hot-path.ts). These tests pin that it is exactly the pipeline's answer, for the
// client's own Host and Accept, and that the pipeline keeps every request the hot path cannot
// judge. Which path answered shows in the request log: the hot path's request ids start "hot-".

const PACKUMENT = '/api/v1/remote/npmjs/pkg';
const ABBREVIATED = 'application/vnd.npm.install-v1+json';

async function serve(t: ExecutionContext, settings = ''): Promise<{ url: string; logs: CapturedLogs; upstreamRequests: () => number }> {
  const registry = await startFixtureRegistry(t, [{ name: 'pkg', version: '1.0.0', published: new Date('2022-03-03T00:00:00Z') }]);
  const logs = captureLogs();
  const proxy = await startProxy(t, `${settings}\nremotes:\n  npmjs: { type: remote, package: npm, base_url: '${registry.upstream.url}' }\n`, { logger: logs.logger });
  return { url: proxy.url, logs, upstreamRequests: () => registry.upstream.requests.length };
}

function lastRequestId(logs: CapturedLogs): string {
  return String(logs.lines.filter((l) => l.msg === 'request' && l.path === 'pkg').at(-1)?.reqId);
}

function comparable(res: HeadersGetResult): Record<string, unknown> {
  const { date: _date, ...headers } = res.headers;
  return { status: res.status, headers, body: res.body.toString() };
}

const tarballHost = (res: HeadersGetResult) =>
  new URL((JSON.parse(res.body.toString()) as { versions: Record<string, { dist: { tarball: string } }> }).versions['1.0.0']!.dist.tarball).host;

test('a rendered packument is answered hot with the pipeline’s status, headers and body, per Host and Accept', async (t) => {
  const { url, logs, upstreamRequests } = await serve(t);
  const get = (headers: Record<string, string>) => getWithHeaders(`${url}${PACKUMENT}`, headers);

  t.is((await get({ host: 'a.test', accept: 'application/json' })).status, 200);
  // A conditional GET that does not match is a 200 from the pipeline: the answer to compare with.
  const first = await get({ host: 'a.test', accept: 'application/json', 'if-none-match': '"other"' });
  t.false(lastRequestId(logs).startsWith('hot-'));
  const again = await get({ host: 'a.test', accept: 'application/json' });
  t.true(lastRequestId(logs).startsWith('hot-'));
  t.deepEqual(comparable(again), comparable(first));
  t.is(again.headers['x-artifact-cache'], 'HIT');

  // Another Host has no rendering yet: the pipeline renders one with its own URLs, then it is hot too.
  const otherHost = await get({ host: 'b.test:8080', accept: 'application/json' });
  t.false(lastRequestId(logs).startsWith('hot-'));
  t.is(tarballHost(otherHost), 'b.test:8080');
  t.is(tarballHost(await get({ host: 'b.test:8080', accept: 'application/json' })), 'b.test:8080');
  t.true(lastRequestId(logs).startsWith('hot-'));

  // The abbreviated form is its own rendering, with its own type.
  await get({ host: 'a.test', accept: ABBREVIATED });
  const abbreviatedFirst = await get({ host: 'a.test', accept: ABBREVIATED, 'if-none-match': '"other"' });
  const abbreviated = await get({ host: 'a.test', accept: ABBREVIATED });
  t.true(lastRequestId(logs).startsWith('hot-'));
  t.deepEqual(comparable(abbreviated), comparable(abbreviatedFirst));
  t.regex(abbreviated.headers['content-type'] ?? '', /vnd\.npm\.install-v1\+json/);
  t.not(abbreviated.body.length, first.body.length);

  // HEAD is hot too and sends no body.
  const full = await fetch(`${url}${PACKUMENT}`, { headers: { accept: 'application/json' } });
  const fullLength = (await full.arrayBuffer()).byteLength;
  const head = await fetch(`${url}${PACKUMENT}`, { method: 'HEAD', headers: { accept: 'application/json' } });
  t.true(lastRequestId(logs).startsWith('hot-'));
  t.is(head.headers.get('content-length'), String(fullLength));
  t.is((await head.arrayBuffer()).byteLength, 0);

  // A conditional GET goes to the pipeline, which answers 304.
  const conditional = await get({ host: 'a.test', accept: 'application/json', 'if-none-match': first.headers.etag! });
  t.is(conditional.status, 304);
  t.false(lastRequestId(logs).startsWith('hot-'));
  t.is(upstreamRequests(), 1);
});

test('a bad Host is refused by the pipeline as before, not answered hot', async (t) => {
  const { url, logs } = await serve(t);
  await getWithHeaders(`${url}${PACKUMENT}`, { host: 'a.test', accept: 'application/json' });
  const bad = await getWithHeaders(`${url}${PACKUMENT}`, { host: 'a@b', accept: 'application/json' });
  t.is(bad.status, 400);
  t.regex(bad.body.toString(), /AAPI_ERR_HOST_INVALID/);
  t.false(lastRequestId(logs).startsWith('hot-'));
});

test('with trust_proxy set, packuments always go through the pipeline, which reads the forwarded headers', async (t) => {
  const { url, logs } = await serve(t, 'server: { trust_proxy: [127.0.0.0/8] }');
  const forwarded = { host: 'internal:8000', accept: 'application/json', 'x-forwarded-host': 'public.example', 'x-forwarded-proto': 'https' };
  for (let i = 0; i < 2; i++) {
    const res = await getWithHeaders(`${url}${PACKUMENT}`, forwarded);
    t.is(tarballHost(res), 'public.example');
    t.false(lastRequestId(logs).startsWith('hot-'));
  }
});

test('with public_url set, every client gets its URLs, answered hot after the first', async (t) => {
  const { url, logs } = await serve(t, 'public_url: https://registry.example/');
  await getWithHeaders(`${url}${PACKUMENT}`, { host: 'a.test', accept: 'application/json' });
  const res = await getWithHeaders(`${url}${PACKUMENT}`, { host: 'b.test', accept: 'application/json' });
  t.is(tarballHost(res), 'registry.example');
  t.true(lastRequestId(logs).startsWith('hot-'));
  t.is(res.headers.vary, 'Accept');
});

test('on a fresh keep-alive connection the fast lane answers a rendered packument as node:http does, per Host and Accept', async (t) => {
  const { url, logs } = await serve(t);
  const viaNodeHttp = async (host: string, accept: string) => {
    const res = await getWithHeaders(`${url}${PACKUMENT}`, { host, accept });
    t.false(lastRequestId(logs).startsWith('hot-lane-'), 'Connection: close is left to node:http');
    return res;
  };
  const viaLane = async (host: string, accept: string, extra = '') => {
    const raw = await RawConnection.open(url);
    t.teardown(() => raw.close());
    raw.send(`GET ${PACKUMENT} HTTP/1.1\r\nHost: ${host}\r\nAccept: ${accept}\r\nUser-Agent: npm/10\r\n${extra}\r\n`);
    const [response] = await raw.responses(1);
    return response!;
  };
  for (const [host, accept] of [['a.test', 'application/json'], ['b.test:8080', ABBREVIATED]] as const) {
    await viaNodeHttp(host, accept);
    const expected = await viaNodeHttp(host, accept);
    const answered = await viaLane(host, accept);
    t.regex(lastRequestId(logs), /^hot-lane-\d+$/);
    t.is(answered.status, 200);
    t.is(answered.body.toString(), expected.body.toString());
    for (const name of ['content-type', 'etag', 'vary', 'x-artifact-cache', 'content-length']) t.is(answered.headers[name], expected.headers[name] as string, name);
    t.is(tarballHost({ ...expected, body: answered.body }), host);
  }
  // Two Accept headers: node:http merges them by its own rules, so the lane leaves the request to it.
  const merged = await viaLane('a.test', 'application/json', `Accept: ${ABBREVIATED}\r\n`);
  t.is(merged.status, 200);
  t.notRegex(lastRequestId(logs), /^hot-lane-/);
});
