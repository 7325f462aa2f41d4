import test from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { waitUntilExpired } from './helpers/expiry.js';
import { fetchSummary as get } from './helpers/fetch-summary.js';
import { genericRemote, startProxy } from './helpers/proxy.js';

// The operator's path rules: blocklist, then the `patterns` allowlist, then mutable_patterns and
// immutable_patterns (the later one wins). Denied paths are never requested upstream.

const FILES = {
  '/allowed/a.tar.gz': 'a',
  '/allowed/setup.exe': 'exe',
  '/other/b.tar.gz': 'b',
};

test('a path outside the `patterns` allowlist gets 403 AAPI_ERR_PATH_DENIED and is never requested upstream', async (t) => {
  const upstream = await startUpstream({ files: FILES });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url, "patterns: ['^allowed/']"));
  t.like(await get(`${proxy.url}/api/v1/remote/up/allowed/a.tar.gz`), { status: 200, body: 'a' });
  t.like(await get(`${proxy.url}/api/v1/remote/up/other/b.tar.gz`), { status: 403, code: 'AAPI_ERR_PATH_DENIED' });
  t.like(await get(`${proxy.url}/api/v1/remote/up/other/b.tar.gz`, { method: 'HEAD' }), { status: 403 });
  t.is(upstream.hits('/other/b.tar.gz'), 0);
  t.is(upstream.requests.length, 1);
});

test('the blocklist wins over the allowlist', async (t) => {
  const upstream = await startUpstream({ files: FILES });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url, "patterns: ['^allowed/']\nblocklist: ['\\.exe$']"));
  t.like(await get(`${proxy.url}/api/v1/remote/up/allowed/setup.exe`), { status: 403, code: 'AAPI_ERR_PATH_DENIED' });
  t.like(await get(`${proxy.url}/api/v1/remote/up/allowed/a.tar.gz`), { status: 200, body: 'a' });
  t.is(upstream.hits('/allowed/setup.exe'), 0);
});

test('a blocklist alone denies only what it matches', async (t) => {
  const upstream = await startUpstream({ files: FILES });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url, "blocklist: ['^allowed/.*\\.exe$']"));
  t.like(await get(`${proxy.url}/api/v1/remote/up/allowed/setup.exe`), { status: 403, code: 'AAPI_ERR_PATH_DENIED' });
  t.like(await get(`${proxy.url}/api/v1/remote/up/other/b.tar.gz`), { status: 200, body: 'b' });
  t.is(upstream.hits('/allowed/setup.exe'), 0);
});

test('immutable_patterns applies after mutable_patterns: a path matching both is immutable', async (t) => {
  const upstream = await startUpstream({ files: { '/data/moving.bin': 'm', '/data/pinned/fixed.bin': 'f' } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(
    t,
    genericRemote(upstream.url, "mutable_patterns: ['^data/']\nimmutable_patterns: ['^data/pinned/']\ncache: { mutable_ttl: 1 }"),
  );
  const meta = proxy.server.context.backends.meta;
  t.like(await get(`${proxy.url}/api/v1/remote/up/data/moving.bin`), { status: 200 });
  t.like(await get(`${proxy.url}/api/v1/remote/up/data/pinned/fixed.bin`), { status: 200 });
  await waitUntilExpired(proxy, 'up', 'data/moving.bin');
  t.like(await meta.get('up', 'data/pinned/fixed.bin'), { mutable: false, expiresAt: null });
  t.like(await get(`${proxy.url}/api/v1/remote/up/data/pinned/fixed.bin`), { cache: 'HIT', body: 'f' });
  t.like(await get(`${proxy.url}/api/v1/remote/up/data/moving.bin`), { cache: 'REVALIDATED', body: 'm' });
  t.is(upstream.hits('/data/pinned/fixed.bin', 'GET'), 1);
  t.is(upstream.hits('/data/moving.bin', 'GET'), 2);
});

test('immutable_patterns overrides the plugin: a generic index.json pinned immutable is never revalidated', async (t) => {
  const upstream = await startUpstream({ files: { '/repo/index.json': '{}', '/repo/v2/index.json': '{"v":2}' } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url, "immutable_patterns: ['^repo/v2/']\ncache: { mutable_ttl: 1 }"));
  const meta = proxy.server.context.backends.meta;
  t.like(await get(`${proxy.url}/api/v1/remote/up/repo/index.json`), { status: 200 });
  t.like(await get(`${proxy.url}/api/v1/remote/up/repo/v2/index.json`), { status: 200 });
  await waitUntilExpired(proxy, 'up', 'repo/index.json');
  t.like(await meta.get('up', 'repo/v2/index.json'), { mutable: false, expiresAt: null });
  t.like(await get(`${proxy.url}/api/v1/remote/up/repo/v2/index.json`), { cache: 'HIT' });
  t.like(await get(`${proxy.url}/api/v1/remote/up/repo/index.json`), { cache: 'REVALIDATED' });
});
