import test, { type ExecutionContext } from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { blobFiles, eventually } from './helpers/data-dir.js';
import { fetchSummary as get } from './helpers/fetch-summary.js';
import { genericRemote, startProxy } from './helpers/proxy.js';
import { HotCache } from '../src/engine/hot-cache.js';

// Negative caching: an upstream 404 is answered as a 404, never stored as content, and remembered
// for cache.negative_ttl seconds so a burst of requests for a missing file costs one upstream GET.

const PATH = '/pkg/missing-1.0.tar.gz';

test('an upstream 404 is a JSON 404 with AAPI_ERR_NOT_FOUND and nothing is stored', async (t) => {
  const upstream = await startUpstream();
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  const res = await get(`${proxy.url}/api/v1/remote/up${PATH}`);
  t.is(res.status, 404);
  t.is(res.code, 'AAPI_ERR_NOT_FOUND');
  t.regex(res.headers.get('content-type') ?? '', /application\/json/);
  t.is(upstream.hits(PATH, 'GET'), 1);
  t.deepEqual(await blobFiles(proxy.dataDir), []);
  t.is(await proxy.server.context.backends.meta.get('up', PATH.slice(1)), undefined);
});

/** A proxy that remembers 404s for a minute, after one GET of PATH that found nothing upstream. */
async function afterOne404(t: ExecutionContext) {
  const upstream = await startUpstream();
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url, 'cache: { negative_ttl: 60 }'));
  const url = `${proxy.url}/api/v1/remote/up${PATH}`;
  t.like(await get(url), { status: 404, code: 'AAPI_ERR_NOT_FOUND' });
  return { upstream, proxy, url };
}

test('within cache.negative_ttl a repeated request does not reach the upstream', async (t) => {
  const { upstream, url } = await afterOne404(t);
  // Even once the file appears upstream, the remembered 404 answers until the ttl ends.
  upstream.setFile(PATH, 'now here');
  t.like(await get(url), { status: 404, code: 'AAPI_ERR_NOT_FOUND' });
  t.like(await get(url), { status: 404, code: 'AAPI_ERR_NOT_FOUND' });
  t.is(upstream.hits(PATH, 'GET'), 1);
});

test('after cache.negative_ttl the upstream is asked again', async (t) => {
  const upstream = await startUpstream();
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url, 'cache: { negative_ttl: 1 }'));
  const url = `${proxy.url}/api/v1/remote/up${PATH}`;
  t.like(await get(url), { status: 404 });
  upstream.setFile(PATH, 'now here');
  // Polled rather than slept: the first answer after the ttl must be the file, fetched upstream.
  let last = await get(url);
  t.true(await eventually(async () => (last = await get(url)).status !== 404, 15_000));
  t.like(last, { status: 200, cache: 'MISS', body: 'now here' });
  t.is(upstream.hits(PATH, 'GET'), 2);
});

test('negative_ttl: 0 remembers nothing: each request asks the upstream', async (t) => {
  const upstream = await startUpstream();
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url, 'cache: { negative_ttl: 0 }'));
  const url = `${proxy.url}/api/v1/remote/up${PATH}`;
  t.like(await get(url), { status: 404 });
  t.like(await get(url), { status: 404 });
  t.is(upstream.hits(PATH, 'GET'), 2);
});

test('a request answered from a remembered 404 leaves the fetch lock free', async (t) => {
  const { upstream, proxy, url } = await afterOne404(t);
  // Answered from memory: the lock tried alongside the lookup of the remembered 404 is given back.
  t.like(await get(url), { status: 404, code: 'AAPI_ERR_NOT_FOUND' });
  t.is(upstream.hits(PATH, 'GET'), 1);
  const lock = await proxy.server.context.backends.coord.tryLock(`fetch:${HotCache.key('up', PATH.slice(1))}`, 1000);
  t.truthy(lock, 'no replica holds the fetch lock');
  await lock?.release();
});
