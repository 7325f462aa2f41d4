import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { rpmToolsAvailable } from './rpm-dnf.js';
import { builtPackages } from './rpm-fixture.js';
import { REPO_ROOT, TINYAPP, TINYDEP, createRepo, listedMetadata, publish, rpmConfig, type RepoFiles } from './rpm-repo.js';

const rpmTest = rpmToolsAvailable() ? test : test.skip;
const REPOMD = `${REPO_ROOT}repodata/repomd.xml`;
/** Past `mutable_ttl: 1` (and `negative_ttl: 1`), so the next request revalidates repomd.xml. */
const PAST_TTL_MS = 1_500;

/** The upstream paths of the metadata a snapshot lists, by type. */
function listed(files: RepoFiles): Map<string, string> {
  return new Map([...listedMetadata(files)].map(([type, href]) => [type, `/${REPO_ROOT}${href}`]));
}

rpmTest('repomd.xml and the files it names stay one snapshot: old files outlive the upstream, a half-synced upstream is not served', async (t) => {
  const built = await builtPackages();
  const app = { spec: TINYAPP, bytes: built.get('tinyapp')! };
  const dep = { spec: TINYDEP, bytes: built.get('tinydep')! };
  const v1 = await createRepo([app, dep]);
  const v2 = await createRepo([dep]);
  const v3 = await createRepo([app]);
  const upstream = await startUpstream();
  t.teardown(() => upstream.close());
  publish(upstream, v1);
  // negative_ttl: a file of v3 found missing is asked for again after a second (default 30 s).
  const config = rpmConfig(upstream.url, 'cache: { mutable_ttl: 1, negative_ttl: 1 }');
  const proxy = await startServe(t, { config: await writeConfig(await tempDir(t), config) });
  const get = async (path: string) => {
    const res = await fetch(`${proxy.url}/api/v1/remote/alma/${path.replace(/^\//, '')}`);
    return { status: res.status, cache: res.headers.get('x-artifact-cache'), body: Buffer.from(await res.arrayBuffer()) };
  };
  /** repomd.xml until it is `bytes`: a new snapshot is completed in the background while the previous one serves. */
  const repomdUntil = async (bytes: Buffer) => {
    let r = await get(REPOMD);
    for (let i = 0; i < 50 && !r.body.equals(bytes); i++) {
      await sleep(200);
      r = await get(REPOMD);
    }
    return r;
  };

  // A client reads repomd.xml v1: by the time it has it, the metadata dnf reads is stored too.
  const first = await get(REPOMD);
  t.is(first.status, 200);
  t.true(first.body.equals(v1.get('repodata/repomd.xml')!));
  for (const [type, path] of listed(v1)) {
    const wanted = type.endsWith('_db') || type.endsWith('_zck') ? 0 : 1;
    t.is(upstream.hits(path, 'GET'), wanted, `${type}: ${wanted ? 'stored with the snapshot' : 'not part of the default snapshot'}`);
  }

  // The upstream moves on and deletes v1's files, as a mirror sync does.
  publish(upstream, v2, v1);
  await sleep(PAST_TTL_MS);
  for (const type of ['primary', 'filelists', 'other']) {
    const path = listed(v1).get(type)!;
    t.is((await fetch(`${upstream.url}${path}`)).status, 404, `${type} of v1 is gone upstream`);
    const old = await get(path);
    t.is(old.status, 200, `a client holding repomd.xml v1 still gets its ${type}`);
    t.is(old.cache, 'HIT');
    t.true(old.body.equals(v1.get(listedMetadata(v1).get(type)!)!));
  }
  const meanwhile = await get(REPOMD);
  t.is(meanwhile.cache, 'STALE', 'v1 serves while v2 is completed');
  t.true(meanwhile.body.equals(v1.get('repodata/repomd.xml')!));
  const second = await repomdUntil(v2.get('repodata/repomd.xml')!);
  t.true(second.body.equals(v2.get('repodata/repomd.xml')!), 'then new clients get v2');
  t.is((await get(listed(v2).get('primary')!)).cache, 'HIT', 'whose files were stored before it was served');

  // Half-synced upstream: v3's repomd.xml is there, its files are not yet. v2 keeps serving.
  upstream.setFile(`/${REPOMD}`, { body: v3.get('repodata/repomd.xml')!, lastModified: null });
  await sleep(PAST_TTL_MS);
  const halfSynced = await get(REPOMD);
  t.is(halfSynced.status, 200);
  t.is(halfSynced.cache, 'STALE');
  t.true(halfSynced.body.equals(v2.get('repodata/repomd.xml')!), 'the complete v2 snapshot, not v3');
  for (let i = 0; i < 50 && upstream.hits(listed(v3).get('primary')!, 'GET') === 0; i++) await sleep(100); // v3 is tried in the background
  t.true(upstream.hits(listed(v3).get('primary')!, 'GET') > 0, 'v3 was tried');
  t.true((await get(REPOMD)).body.equals(v2.get('repodata/repomd.xml')!), 'and v2 still serves');

  // Once the upstream has every file of v3, v3 is served.
  publish(upstream, v3, v2);
  await sleep(PAST_TTL_MS);
  const third = await repomdUntil(v3.get('repodata/repomd.xml')!);
  t.is(third.status, 200);
  t.true(third.body.equals(v3.get('repodata/repomd.xml')!));
  t.is((await get(listed(v3).get('primary')!)).cache, 'HIT');
  t.is((await get(listed(v2).get('primary')!)).status, 200, 'and v2 files are still there for clients holding v2');
});
