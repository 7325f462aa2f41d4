import test from 'ava';
import { Readable } from 'node:stream';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { engineReplicas, servedText } from './helpers/engine-replicas.js';

// Evicting through the engine service makes the next GET go upstream on every replica, and
// listing pages through what a repository holds.

async function setup(t: Parameters<typeof engineReplicas>[0], files: Record<string, string>) {
  const upstream = await startUpstream({ files });
  t.teardown(() => upstream.close());
  const [a, b] = await engineReplicas(
    t,
    `remotes:\n  up: { type: remote, package: generic, base_url: ${upstream.url} }\n  files: { type: local, package: generic }\n`,
  );
  const up = () => a.service.resolve('up')!;
  return { upstream, a, b, up };
}

test('evict {path}: the next GET goes upstream on both replicas, and the other paths stay cached', async (t) => {
  const { upstream, a, b } = await setup(t, { '/x/1.bin': 'one', '/x/2.bin': 'two' });
  for (const replica of [a, b]) {
    for (const path of ['x/1.bin', 'x/2.bin']) t.is(await servedText(await replica.service.get(replica.service.resolve('up')!, path)), path.includes('1') ? 'one' : 'two');
  }
  t.is(upstream.hits('/x/1.bin', 'GET'), 1, 'both replicas were served from one fetch');

  t.is(await a.service.evict('up', { path: 'x/1.bin' }), 1);
  const afterB = await b.service.get(b.service.resolve('up')!, 'x/1.bin');
  t.is(afterB.source, 'remote', 'replica B dropped its memory copy');
  t.is(await servedText(afterB), 'one');
  t.is(upstream.hits('/x/1.bin', 'GET'), 2);
  t.is((await a.service.get(a.service.resolve('up')!, 'x/2.bin')).source, 'cache');
  t.is(await a.service.evict('up', { path: 'x/nothing.bin' }), 0);
});

test('evict {prefix}: every path under it goes, on both replicas', async (t) => {
  const { upstream, a, b } = await setup(t, { '/x/1.bin': 'one', '/x/2.bin': 'two', '/y/3.bin': 'three' });
  for (const path of ['x/1.bin', 'x/2.bin', 'y/3.bin']) await servedText(await a.service.get(a.service.resolve('up')!, path));
  for (const path of ['x/1.bin', 'x/2.bin']) t.is((await b.service.get(b.service.resolve('up')!, path)).source, 'cache');

  t.is(await b.service.evict('up', { prefix: 'x/' }), 2);
  for (const replica of [a, b]) t.is((await replica.service.get(replica.service.resolve('up')!, 'x/2.bin')).source, replica === a ? 'remote' : 'cache');
  t.is(upstream.hits('/x/2.bin', 'GET'), 2, 'the first GET after eviction went upstream, once');
  t.is((await a.service.get(a.service.resolve('up')!, 'y/3.bin')).source, 'cache');
});

test('evict forgets a remembered 404, so the next GET asks again', async (t) => {
  const { upstream, a } = await setup(t, {});
  await t.throwsAsync(a.service.get(a.service.resolve('up')!, 'late.bin'), { message: /Not found/ });
  upstream.setFile('/late.bin', 'now here');
  await t.throwsAsync(a.service.get(a.service.resolve('up')!, 'late.bin'), { message: /Not found/ }, 'negative_ttl still holds');
  await a.service.evict('up', { path: 'late.bin' });
  t.is(await servedText(await a.service.get(a.service.resolve('up')!, 'late.bin')), 'now here');
});

test('list pages through a repository in path order with a cursor', async (t) => {
  const { a, b } = await setup(t, {});
  for (const name of ['b', 'a', 'c/1', 'c/2', 'd']) {
    await a.service.put('files', name, Readable.from([Buffer.from(name)]));
  }
  const first = await b.service.list('files', { limit: 2 });
  t.deepEqual(first.entries.map((e) => e.path), ['a', 'b']);
  const second = await b.service.list('files', { limit: 2, cursor: first.nextCursor });
  t.deepEqual(second.entries.map((e) => e.path), ['c/1', 'c/2']);
  const last = await b.service.list('files', { limit: 2, cursor: second.nextCursor });
  t.deepEqual(last.entries.map((e) => e.path), ['d']);
  t.is(last.nextCursor, undefined);
  t.deepEqual((await b.service.list('files', { prefix: 'c/' })).entries.map((e) => e.path), ['c/1', 'c/2']);
  await t.throwsAsync(b.service.list('files', { limit: 0 }), { message: /limit must be/ });
  t.throws(() => b.service.local('up', 'PUT'), { message: /only local repositories accept uploads/ });
});
