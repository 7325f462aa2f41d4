import test from 'ava';
import { randomBytes } from 'node:crypto';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { genericRemote, startProxy } from './helpers/proxy.js';

test('a file is fetched once, then served from cache with identical bytes', async (t) => {
  const body = randomBytes(300_000);
  const upstream = await startUpstream({ files: { '/dir/a.bin': body } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  const first = await fetch(`${proxy.url}/api/v1/remote/up/dir/a.bin`);
  t.is(first.status, 200);
  t.is(first.headers.get('x-artifact-source'), 'remote');
  t.is(first.headers.get('x-artifact-cache'), 'MISS');
  t.deepEqual(Buffer.from(await first.arrayBuffer()), body);
  const second = await fetch(`${proxy.url}/api/v1/remote/up/dir/a.bin`);
  t.is(second.headers.get('x-artifact-source'), 'cache');
  t.is(second.headers.get('x-artifact-cache'), 'HIT');
  t.deepEqual(Buffer.from(await second.arrayBuffer()), body);
  t.is(upstream.hits('/dir/a.bin', 'GET'), 1);
});
