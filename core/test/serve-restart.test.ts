import test from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { waitUntilExpired } from './helpers/expiry.js';
import { fetchSummary as get } from './helpers/fetch-summary.js';
import { genericRemote, startProxy } from './helpers/proxy.js';

// The cache survives a restart on the same data directory, and serves with the upstream gone.

test('after a restart on the same data directory, cached files are served with the upstream stopped', async (t) => {
  const large = Buffer.alloc(700 * 1024, 'L'); // above the memory tier: comes from the blob file
  const upstream = await startUpstream({
    files: { '/pkg/small-1.0.tgz': 'small', '/pkg/large-1.0.bin': large, '/feeds/index.json': '{"feed":1}' },
  });
  t.teardown(() => upstream.close());
  const yaml = genericRemote(upstream.url, "mutable_patterns: ['^feeds/']\ncache: { mutable_ttl: 1 }");
  const first = await startProxy(t, yaml);
  for (const path of ['/pkg/small-1.0.tgz', '/pkg/large-1.0.bin', '/feeds/index.json']) {
    t.like(await get(`${first.url}/api/v1/remote/up${path}`), { status: 200, cache: 'MISS' }, path);
  }
  await waitUntilExpired(first, 'up', '/feeds/index.json');
  await first.close();
  await upstream.close();

  const second = await startProxy(t, yaml, { dataDir: first.dataDir });
  t.like(await get(`${second.url}/api/v1/remote/up/pkg/small-1.0.tgz`), { status: 200, cache: 'HIT', source: 'cache', body: 'small' });
  const res = await fetch(`${second.url}/api/v1/remote/up/pkg/large-1.0.bin`);
  t.is(res.headers.get('x-artifact-cache'), 'HIT');
  t.is(Buffer.compare(Buffer.from(await res.arrayBuffer()), large), 0);
  // The expired mutable entry cannot be revalidated: it is served stale, not lost.
  t.like(await get(`${second.url}/api/v1/remote/up/feeds/index.json`), { status: 200, cache: 'STALE', body: '{"feed":1}' });
  // What was never fetched is an upstream failure, not a 404.
  t.like(await get(`${second.url}/api/v1/remote/up/pkg/never-1.0.tgz`), { status: 502, code: 'AAPI_ERR_UPSTREAM_UNREACHABLE' });
});
