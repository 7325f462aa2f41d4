import test, { type ExecutionContext } from 'ava';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { definePlugin } from '@artifactapi/plugin-sdk';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { startPluginHost } from '../src/testing/plugin-host.js';

// IndexLocation `{ listedIn, role }` (an index found by its role in another index, itself checked
// against it) and Classification.snapshot (a new copy of a document is recorded only once the
// files its inspector marks required are stored; the previous copy serves until then).

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
const TASKS = new URL('../../test/fixtures/tasks/snapshot-tasks.js', import.meta.url).href;
const MANIFEST = { path: 'manifest.json', index: 'manifest' };

const plugin = definePlugin({
  type: 'chained',
  description: 'a manifest names package lists by hash, lists name packages',
  classify(path) {
    if (path === 'manifest.json') return { cache: 'mutable', index: 'manifest', snapshot: true };
    if (path.startsWith('lists/')) return { cache: 'immutable', index: 'packages' };
    if (path.startsWith('pkg/')) return { cache: 'immutable' };
    return { cache: 'deny' };
  },
  indexOf(path) {
    if (path.startsWith('lists/')) return MANIFEST;
    if (path.startsWith('pkg/')) return { listedIn: MANIFEST, role: 'packages', index: 'packages' };
    return undefined;
  },
  inspectors: { manifest: { module: TASKS, export: 'inspectManifest' }, packages: { module: TASKS, export: 'inspectPackages' } },
});

/** A manifest naming one package list (required), and that list naming packages. */
function snapshot(list: string, packages: Record<string, string>) {
  const listBody = JSON.stringify(Object.fromEntries(Object.entries(packages).map(([p, body]) => [p, sha256(body)])));
  const manifest = JSON.stringify({ [list]: { sha256: sha256(listBody), role: 'packages', required: true } });
  return { manifest, list, listBody };
}

async function host(t: ExecutionContext) {
  const upstream = await startUpstream();
  const running = await startPluginHost({
    plugin,
    repos: { one: { type: 'remote', base_url: upstream.url, cache: { mutable_ttl: 1, negative_ttl: 1 } }, two: { type: 'remote', base_url: upstream.url } },
  });
  t.teardown(async () => {
    await running.close();
    await upstream.close();
  });
  const get = async (repo: string, path: string) => {
    const res = await fetch(`${running.url}/api/v1/remote/${repo}/${path}`);
    return { status: res.status, cache: res.headers.get('x-artifact-cache'), body: await res.text() };
  };
  /** GETs until `done` holds (the new snapshot is completed in the background), at most 50 times. */
  const getUntil = async (repo: string, path: string, done: (r: Awaited<ReturnType<typeof get>>) => boolean) => {
    let r = await get(repo, path);
    for (let i = 0; i < 50 && !done(r); i++) {
      await sleep(200);
      r = await get(repo, path);
    }
    return r;
  };
  return { upstream, get, getUntil };
}

test('a package is checked against the list its manifest names by role; the list against the manifest', async (t) => {
  const { upstream, get } = await host(t);
  const v1 = snapshot('lists/a.json', { 'pkg/x': 'x bytes' });
  upstream.setFile('/manifest.json', v1.manifest);
  upstream.setFile(`/${v1.list}`, v1.listBody);
  upstream.setFile('/pkg/x', 'tampered');
  const refused = await get('one', 'pkg/x');
  t.is(refused.status, 502);
  t.regex(refused.body, /AAPI_ERR_UPSTREAM_DIGEST/);
  upstream.setFile('/pkg/x', 'x bytes');
  t.like(await get('one', 'pkg/x'), { status: 200, body: 'x bytes' });
  t.like(await get('one', v1.list), { status: 200, cache: 'HIT' }, 'the list was stored with the manifest');

  upstream.setFile(`/${v1.list}`, '{"pkg/x":"0000"}');
  const list = await get('two', v1.list);
  t.is(list.status, 502, 'a list that disagrees with its manifest is refused, not passed on unverified');
  t.regex(list.body, /AAPI_ERR_SNAPSHOT_INCOMPLETE/);
});

test('a new manifest is served only once the lists it requires are stored; until then the previous one serves', async (t) => {
  const { upstream, get, getUntil } = await host(t);
  const v1 = snapshot('lists/a.json', { 'pkg/x': 'x' });
  upstream.setFile('/manifest.json', v1.manifest);
  upstream.setFile(`/${v1.list}`, v1.listBody);
  t.like(await get('one', 'manifest.json'), { status: 200, cache: 'MISS', body: v1.manifest });
  t.is(upstream.hits(`/${v1.list}`), 1, 'stored before the manifest was served');

  const v2 = snapshot('lists/b.json', { 'pkg/y': 'y' });
  upstream.setFile('/manifest.json', v2.manifest);
  upstream.deleteFile(`/${v1.list}`);
  await sleep(1_200);
  t.like(await get('one', 'manifest.json'), { status: 200, cache: 'STALE', body: v1.manifest }, 'v1 serves while v2 is tried');
  for (let i = 0; i < 50 && upstream.hits(`/${v2.list}`) === 0; i++) await sleep(100); // v2's list asked for, in the background
  t.like(await get('one', 'manifest.json'), { status: 200, body: v1.manifest }, 'v2 names a list the upstream lacks');
  t.like(await get('one', v1.list), { status: 200, cache: 'HIT', body: v1.listBody }, 'v1 is whole');
  const none = await get('two', 'manifest.json');
  t.is(none.status, 502, 'with no previous copy the request fails');
  t.regex(none.body, /AAPI_ERR_SNAPSHOT_INCOMPLETE/);

  upstream.setFile(`/${v2.list}`, v2.listBody);
  await sleep(1_200);
  const meanwhile = await get('one', 'manifest.json');
  t.like(meanwhile, { status: 200, cache: 'STALE', body: v1.manifest }, 'the previous copy serves while the new one is completed');
  t.like(await getUntil('one', 'manifest.json', (r) => r.body === v2.manifest), { status: 200, body: v2.manifest });
  t.like(await get('one', v2.list), { status: 200, cache: 'HIT' });
});
