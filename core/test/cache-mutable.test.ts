import test from 'ava';
import { createHash } from 'node:crypto';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { blobFiles } from './helpers/data-dir.js';
import { waitUntilExpired } from './helpers/expiry.js';
import { fetchSummary as get } from './helpers/fetch-summary.js';
import { genericRemote, startProxy } from './helpers/proxy.js';

// Mutable entries expire after cache.mutable_ttl and are then revalidated (conditionally unless
// check_mutable_updates is false). Tests wait for the stored expiry to pass; the one that needs
// "still fresh" uses a ttl of several seconds so a slow machine cannot turn its HIT into a miss.

const PATH = '/feeds/channel.json';
const MUTABLE = "mutable_patterns: ['^feeds/']";

function remote(upstreamUrl: string, extra: string): string {
  return genericRemote(upstreamUrl, `${MUTABLE}\n${extra}`);
}

test('a mutable entry is a HIT while fresh and goes upstream again after mutable_ttl', async (t) => {
  const upstream = await startUpstream({ files: { [PATH]: 'v1' } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, remote(upstream.url, 'cache: { mutable_ttl: 5 }'));
  const url = `${proxy.url}/api/v1/remote/up${PATH}`;
  t.like(await get(url), { cache: 'MISS', body: 'v1' });
  t.like(await get(url), { cache: 'HIT', source: 'cache', body: 'v1' });
  t.is(upstream.hits(PATH, 'GET'), 1);
});

test('mutable_ttl: 1 expires the entry after a second', async (t) => {
  const upstream = await startUpstream({ files: { [PATH]: 'v1' } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, remote(upstream.url, 'cache: { mutable_ttl: 1 }'));
  const url = `${proxy.url}/api/v1/remote/up${PATH}`;
  t.like(await get(url), { cache: 'MISS', body: 'v1' });
  await waitUntilExpired(proxy, 'up', PATH);
  const entry = await proxy.server.context.backends.meta.get('up', PATH.slice(1));
  t.is(entry!.expiresAt! - entry!.storedAt, 1000);
  t.like(await get(url), { status: 200, body: 'v1' });
  t.is(upstream.hits(PATH, 'GET'), 2);
});

test('check_mutable_updates: an expired entry is revalidated with If-None-Match and a 304 downloads nothing', async (t) => {
  const upstream = await startUpstream({ files: { [PATH]: 'v1 index' } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, remote(upstream.url, 'check_mutable_updates: true\ncache: { mutable_ttl: 1 }'));
  const url = `${proxy.url}/api/v1/remote/up${PATH}`;
  t.like(await get(url), { cache: 'MISS', body: 'v1 index' });
  const blobsBefore = await blobFiles(proxy.dataDir);
  await waitUntilExpired(proxy, 'up', PATH);
  const second = await get(url);
  t.like(second, { status: 200, cache: 'REVALIDATED', source: 'cache', body: 'v1 index' });
  const gets = upstream.requests.filter((r) => r.path === PATH && r.method === 'GET');
  t.is(gets.length, 2);
  t.is(gets[0]!.headers['if-none-match'], undefined);
  // The upstream's own ETag (the testkit's quoted sha1 of the body) goes back to it.
  t.is(gets[1]!.headers['if-none-match'], `"${createHash('sha1').update('v1 index').digest('hex')}"`);
  t.deepEqual(await blobFiles(proxy.dataDir), blobsBefore, 'no new blob was written');
});

test('check_mutable_updates: an upstream without ETag is revalidated with If-Modified-Since', async (t) => {
  const lastModified = new Date('2024-03-01T10:00:00Z');
  const upstream = await startUpstream({ files: { [PATH]: { body: 'dated', etag: null, lastModified } } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, remote(upstream.url, 'cache: { mutable_ttl: 1 }'));
  const url = `${proxy.url}/api/v1/remote/up${PATH}`;
  t.like(await get(url), { cache: 'MISS', body: 'dated' });
  await waitUntilExpired(proxy, 'up', PATH);
  t.like(await get(url), { status: 200, cache: 'REVALIDATED', body: 'dated' });
  const gets = upstream.requests.filter((r) => r.path === PATH && r.method === 'GET');
  t.is(gets.length, 2);
  t.is(gets[1]!.headers['if-modified-since'], lastModified.toUTCString());
  t.is(gets[1]!.headers['if-none-match'], undefined);
});

test('an upstream change is visible after expiry: new bytes, MISS', async (t) => {
  const upstream = await startUpstream({ files: { [PATH]: 'old content' } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, remote(upstream.url, 'cache: { mutable_ttl: 1 }'));
  const url = `${proxy.url}/api/v1/remote/up${PATH}`;
  t.like(await get(url), { cache: 'MISS', body: 'old content' });
  upstream.setFile(PATH, 'new content, longer');
  await waitUntilExpired(proxy, 'up', PATH);
  t.like(await get(url), { status: 200, cache: 'MISS', source: 'remote', body: 'new content, longer' });
  // And the new bytes are what is cached from now on.
  t.like(await get(url), { body: 'new content, longer' });
});

test('check_mutable_updates: false downloads again with an unconditional GET', async (t) => {
  const upstream = await startUpstream({ files: { [PATH]: 'same bytes' } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, remote(upstream.url, 'check_mutable_updates: false\ncache: { mutable_ttl: 1 }'));
  const url = `${proxy.url}/api/v1/remote/up${PATH}`;
  t.like(await get(url), { cache: 'MISS', body: 'same bytes' });
  await waitUntilExpired(proxy, 'up', PATH);
  t.like(await get(url), { status: 200, cache: 'MISS', source: 'remote', body: 'same bytes' });
  const gets = upstream.requests.filter((r) => r.path === PATH && r.method === 'GET');
  t.is(gets.length, 2);
  t.is(gets[1]!.headers['if-none-match'], undefined);
  t.is(gets[1]!.headers['if-modified-since'], undefined);
});
