import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { waitUntilExpired } from './helpers/expiry.js';
import { genericRemote, startProxy } from './helpers/proxy.js';

// Immutable entries: kept forever by default, or for cache.immutable_ttl seconds when it is set.

const PATH = '/pkg/tool-1.0.tar.gz';

test('an immutable file is cached forever: after mutable_ttl has passed it is still a HIT with no upstream GET', async (t) => {
  const upstream = await startUpstream({ files: { [PATH]: 'release bytes' } });
  t.teardown(() => upstream.close());
  // mutable_ttl: 1 so that treating the file as mutable by mistake would show as a second GET.
  const proxy = await startProxy(t, genericRemote(upstream.url, 'cache: { mutable_ttl: 1 }'));
  const first = await fetch(`${proxy.url}/api/v1/remote/up${PATH}`);
  t.is(first.headers.get('x-artifact-cache'), 'MISS');
  t.is(await first.text(), 'release bytes');
  const entry = await proxy.server.context.backends.meta.get('up', PATH.slice(1));
  t.is(entry?.expiresAt, null);
  await sleep(1500);
  const second = await fetch(`${proxy.url}/api/v1/remote/up${PATH}`);
  t.is(second.status, 200);
  t.is(second.headers.get('x-artifact-cache'), 'HIT');
  t.is(second.headers.get('x-artifact-source'), 'cache');
  t.is(await second.text(), 'release bytes');
  t.is(upstream.hits(PATH, 'GET'), 1);
});

test('cache.immutable_ttl: 1 makes an immutable entry revalidate once it expires', async (t) => {
  const upstream = await startUpstream({ files: { [PATH]: 'release bytes' } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url, 'cache: { immutable_ttl: 1 }'));
  const first = await fetch(`${proxy.url}/api/v1/remote/up${PATH}`);
  t.is(first.headers.get('x-artifact-cache'), 'MISS');
  await first.arrayBuffer();
  await waitUntilExpired(proxy, 'up', PATH);
  const entry = await proxy.server.context.backends.meta.get('up', PATH.slice(1));
  t.is(entry!.expiresAt! - entry!.storedAt, 1000);
  const second = await fetch(`${proxy.url}/api/v1/remote/up${PATH}`);
  t.is(second.status, 200);
  t.is(second.headers.get('x-artifact-cache'), 'REVALIDATED');
  t.is(await second.text(), 'release bytes');
  t.is(upstream.hits(PATH, 'GET'), 2);
  const [fetched, revalidated] = upstream.requests.filter((r) => r.path === PATH);
  t.is(fetched!.headers['if-none-match'], undefined, 'the first upstream request is unconditional');
  t.truthy(revalidated!.headers['if-none-match'], 'the expired entry is revalidated, not fetched blindly');
});
