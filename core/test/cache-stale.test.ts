import test from 'ava';
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { blobFiles } from './helpers/data-dir.js';
import { waitUntilExpired } from './helpers/expiry.js';
import { fetchSummary as get } from './helpers/fetch-summary.js';
import { genericRemote, startProxy } from './helpers/proxy.js';

// Stale-if-error: an expired mutable entry is served (and its expiry refreshed) when the upstream
// cannot answer, but never when the upstream says the file is gone.

const PATH = '/feeds/channel.json';
/** Long enough that "still within ttl" holds for the request right after, on a loaded machine. */
const TTL_S = 3;

type Mode = { kind: 'file'; body: string } | { kind: 'status'; status: number } | { kind: 'hang' };

/** An upstream path whose behaviour the test switches, counting every request it gets. */
function switchable(initial: string) {
  const state = { mode: { kind: 'file', body: initial } as Mode, attempts: 0 };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    state.attempts++;
    const mode = state.mode;
    if (mode.kind === 'hang') return; // never answers; the testkit's close() destroys the socket
    if (mode.kind === 'status') {
      res.writeHead(mode.status, { 'content-type': 'text/plain' }).end(`status ${mode.status}`);
      return;
    }
    const etag = `"${createHash('sha1').update(mode.body).digest('hex')}"`;
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
    res.writeHead(200, { etag, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(mode.body)) });
    res.end(mode.body);
  };
  return { state, handler };
}

function remote(upstreamUrl: string, extra = ''): string {
  return genericRemote(upstreamUrl, `mutable_patterns: ['^feeds/']\ncache: { mutable_ttl: ${TTL_S}, negative_ttl: 0 }\n${extra}`);
}

/** A proxy with PATH cached and already expired. */
async function cachedAndExpired(t: Parameters<typeof startProxy>[0], extra = '') {
  const path = switchable('{"v":1}');
  const upstream = await startUpstream({ handlers: { [PATH]: path.handler } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, remote(upstream.url, extra));
  const url = `${proxy.url}/api/v1/remote/up${PATH}`;
  const first = await get(url);
  if (first.cache !== 'MISS' || first.body !== '{"v":1}') throw new Error(`warm-up failed: ${JSON.stringify(first)}`);
  await waitUntilExpired(proxy, 'up', PATH);
  return { path, upstream, proxy, url };
}

test('upstream gone (connection refused): the expired entry is served STALE and its expiry refreshed', async (t) => {
  const { upstream, url } = await cachedAndExpired(t);
  await upstream.close();
  t.like(await get(url), { status: 200, cache: 'STALE', source: 'cache', body: '{"v":1}' });
  // Had the expiry not been refreshed, this would try the dead upstream again and say STALE.
  t.like(await get(url), { status: 200, cache: 'HIT', body: '{"v":1}' });
});

for (const status of [429, 500, 502, 503]) {
  test(`by default an upstream ${status} serves the expired entry STALE, and the next request makes no attempt`, async (t) => {
    const { path, url } = await cachedAndExpired(t);
    path.state.mode = { kind: 'status', status };
    const before = path.state.attempts;
    t.like(await get(url), { status: 200, cache: 'STALE', body: '{"v":1}' });
    t.is(path.state.attempts, before + 1);
    t.like(await get(url), { status: 200, cache: 'HIT', body: '{"v":1}' });
    t.is(path.state.attempts, before + 1, 'the refreshed entry is served without asking upstream');
  });
}

test('stale_if_error: network does not serve stale on a 503 (502 error)', async (t) => {
  const { path, url } = await cachedAndExpired(t, 'stale_if_error: network');
  path.state.mode = { kind: 'status', status: 503 };
  t.like(await get(url), { status: 502, code: 'AAPI_ERR_UPSTREAM_FAILED' });
});

test('stale_if_error: network still serves stale when the connection is refused', async (t) => {
  const { upstream, url } = await cachedAndExpired(t, 'stale_if_error: network');
  await upstream.close();
  t.like(await get(url), { status: 200, cache: 'STALE', body: '{"v":1}' });
});

test('an upstream that does not answer within timeouts.headers serves the expired entry STALE', async (t) => {
  const { path, url } = await cachedAndExpired(t, 'timeouts: { headers: 1 }');
  path.state.mode = { kind: 'hang' };
  t.like(await get(url), { status: 200, cache: 'STALE', body: '{"v":1}' });
});

for (const status of [404, 410]) {
  test(`an upstream ${status} is never served stale: ${status}, and the entry is gone`, async (t) => {
    const { path, url, proxy } = await cachedAndExpired(t);
    path.state.mode = { kind: 'status', status };
    t.like(await get(url), { status, code: status === 410 ? 'AAPI_ERR_GONE' : 'AAPI_ERR_NOT_FOUND' });
    t.deepEqual(await blobFiles(proxy.dataDir), [], 'the only blob was deleted with its entry');
    // Nothing left to serve stale: an outage now is an error, not the old bytes.
    path.state.mode = { kind: 'status', status: 503 };
    t.like(await get(url), { status: 502, code: 'AAPI_ERR_UPSTREAM_FAILED' });
    path.state.mode = { kind: 'file', body: '{"v":2}' };
    t.like(await get(url), { status: 200, cache: 'MISS', body: '{"v":2}' });
  });
}
