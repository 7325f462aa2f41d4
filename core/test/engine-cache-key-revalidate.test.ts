import test, { type ExecutionContext } from 'ava';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { definePlugin } from '@artifactapi/plugin-sdk';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { startPluginHost } from '../src/testing/plugin-host.js';

// Classification.cacheKey (one entry and one fetch for paths that name the same bytes),
// sharedByDigest (bytes already stored for another repository are reused) and revalidate
// (a HEAD compared by a digest header instead of a conditional GET).

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');

const plugin = definePlugin({
  type: 'byref',
  description: 'content-addressed objects under any name, and references revalidated by HEAD',
  classify(path) {
    const obj = /^obj\/[a-z]+\/([0-9a-f]{64})$/.exec(path);
    if (obj) return { cache: 'immutable', expectedDigest: { algorithm: 'sha256', hex: obj[1]! }, cacheKey: `_by-digest/${obj[1]!}`, sharedByDigest: true };
    if (path.startsWith('ref/')) return { cache: 'mutable', revalidate: { method: 'HEAD', digestHeader: 'X-Content-Digest' } };
    return { cache: 'deny' };
  },
});

async function host(t: ExecutionContext, files: Record<string, string | { body: string; headers: Record<string, string> }>) {
  const upstream = await startUpstream();
  for (const [path, file] of Object.entries(files)) upstream.setFile(path, typeof file === 'string' ? file : { ...file, etag: null });
  const running = await startPluginHost({
    plugin,
    repos: { one: { type: 'remote', base_url: upstream.url, cache: { mutable_ttl: 1 } }, two: { type: 'remote', base_url: upstream.url }, mine: { type: 'local' } },
  });
  t.teardown(async () => {
    await running.close();
    await upstream.close();
  });
  const get = async (repo: string, path: string, method = 'GET', body?: string) => {
    const res = await fetch(`${running.url}/api/v1/remote/${repo}/${path}`, { method, body, headers: { authorization: `Bearer ${running.adminToken}` } });
    return { status: res.status, cache: res.headers.get('x-artifact-cache'), body: await res.text() };
  };
  return { upstream, get };
}

test('paths with one cacheKey share an entry and a fetch; another repository reuses the stored bytes', async (t) => {
  const hex = sha256('layer');
  const { upstream, get } = await host(t, { [`/obj/a/${hex}`]: 'layer', [`/obj/b/${hex}`]: 'layer', [`/obj/c/${hex}`]: 'layer' });
  t.like(await get('one', `obj/a/${hex}`), { status: 200, cache: 'MISS', body: 'layer' });
  t.like(await get('one', `obj/b/${hex}`), { status: 200, cache: 'HIT', body: 'layer' });
  t.like(await get('two', `obj/c/${hex}`), { status: 200, cache: 'HIT', body: 'layer' });
  t.is(upstream.hits(`/obj/a/${hex}`), 1);
  t.is(upstream.hits(`/obj/b/${hex}`) + upstream.hits(`/obj/c/${hex}`), 0);
});

test('revalidate HEAD: an unchanged digest costs one HEAD and no GET; a changed one is fetched', async (t) => {
  const v1 = 'version one';
  const { upstream, get } = await host(t, { '/ref/latest': { body: v1, headers: { 'x-content-digest': `sha256:${sha256(v1)}` } } });
  t.like(await get('one', 'ref/latest'), { cache: 'MISS', body: v1 });
  await sleep(1200);
  t.like(await get('one', 'ref/latest'), { cache: 'REVALIDATED', body: v1 });
  t.is(upstream.hits('/ref/latest', 'GET'), 1);
  t.is(upstream.hits('/ref/latest', 'HEAD'), 1);

  const v2 = 'version two';
  upstream.setFile('/ref/latest', { body: v2, headers: { 'x-content-digest': `sha256:${sha256(v2)}` }, etag: null });
  await sleep(1200);
  t.like(await get('one', 'ref/latest'), { cache: 'MISS', body: v2 });
  t.is(upstream.hits('/ref/latest', 'GET'), 2);
  t.is(upstream.hits('/ref/latest', 'HEAD'), 2);
});

test('a local repository stores an upload under its cacheKey: every path naming it reads it, and a delete removes it', async (t) => {
  const hex = sha256('pushed');
  const { get } = await host(t, {});
  t.is((await get('mine', `obj/a/${hex}`, 'PUT', 'pushed')).status, 201);
  t.like(await get('mine', `obj/b/${hex}`), { status: 200, body: 'pushed' });
  t.is((await get('mine', `obj/b/${hex}`, 'DELETE')).status, 204);
  t.is((await get('mine', `obj/a/${hex}`)).status, 404);
});
