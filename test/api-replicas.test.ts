import { randomBytes } from 'node:crypto';
import { startUpstream, type UpstreamServer } from '@artifactapi/plugin-sdk/testkit';
import { postgresProbe, redisProbe, serialIfAll, serviceGate } from '@artifactapi/core/testing/services';
import { apiClient, listenEvents, within } from './api-client.js';
import { startServe, type ServeProcess } from './helpers/serve-process.js';
import { POSTGRES_URL, REDIS_URL, sharedBackends } from './helpers/shared-backends.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';

// Two replicas on one PostgreSQL database, one Redis database and one s3rver bucket, shared by
// the tests of this file, which run in order.
const test = serialIfAll([
  await serviceGate(`PostgreSQL at ${new URL(POSTGRES_URL).host}`, postgresProbe(POSTGRES_URL)),
  await serviceGate(`Redis at ${new URL(REDIS_URL).host}`, redisProbe(REDIS_URL)),
]);

const TOKEN = 'replicas-admin-token';
// Unique per run: Redis channels are shared by every logical database.
const tag = randomBytes(3).toString('hex');
const CFG = `cfg${tag}`;

const cleanups: (() => unknown)[] = [];
const scope = { teardown: (fn: () => unknown) => void cleanups.push(fn) };

let upstream: UpstreamServer;
let a: ServeProcess;
let b: ServeProcess;
let apiA: ReturnType<typeof apiClient>;
let apiB: ReturnType<typeof apiClient>;
let ready: Promise<void> | undefined;

/** Starts the backends, the upstream and both replicas once, for the first test that needs them. */
function replicas(): Promise<void> {
  ready ??= (async () => {
    upstream = await startUpstream({ files: { '/f1.txt': 'one', '/f2.txt': 'two', '/f3.txt': 'three', '/blocked/x.txt': 'x' } });
    scope.teardown(() => upstream.close());
    const backends = await sharedBackends(scope);
    const config = await writeConfig(
      await tempDir(scope),
      `${backends.yaml}
auth: { admin_token: ${TOKEN} }
log: { level: warn }
remotes:
  ${CFG}: { type: remote, package: generic, base_url: ${upstream.url} }
`,
    );
    [a, b] = await Promise.all([startServe(scope, { config }), startServe(scope, { config })]);
    apiA = apiClient(a.url, TOKEN);
    apiB = apiClient(b.url, TOKEN);
  })();
  return ready;
}

async function status(replica: ServeProcess, repo: string, path: string): Promise<{ status: number; cache: string | null }> {
  const res = await fetch(`${replica.url}/api/v1/remote/${repo}/${path}`);
  await res.arrayBuffer();
  return { status: res.status, cache: res.headers.get('x-artifact-cache') };
}

test('a remote created on replica A serves on replica B without a restart (time logged), so do its changes and removal; evictions and counters reach both', async (t) => {
  await replicas();
  t.teardown(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });
  const name = `api${tag}`;
  const eventsB = await listenEvents(b.url, TOKEN);
  t.teardown(() => eventsB.stop());

  const created = await apiA.call('POST', '/api/v2/remotes', { name, package: 'generic', base_url: upstream.url });
  t.is(created.status, 201, JSON.stringify(created.body));
  // Announced over Redis pub/sub: well under a second (logged); the bound is loose for a loaded
  // machine, since timings are for bench/, not assertions.
  const tookMs = await within(5_000, async () => (await status(b, name, 'f1.txt')).status === 200);
  t.log(`served on B ${tookMs} ms after the POST on A`);
  t.like((await apiB.call('GET', `/api/v2/remotes/${name}`)).body, { name, source: 'api' });
  const announced = await eventsB.waitFor((e) => e.event === 'repository' && e.data['repo'] === name);
  t.is(announced.data['action'], 'created');

  t.is((await apiA.call('PUT', `/api/v2/remotes/${name}`, { package: 'generic', base_url: upstream.url, blocklist: ['^blocked/'] })).status, 200);
  await within(5_000, async () => (await status(b, name, 'blocked/x.txt')).status === 403);

  const duplicate = await apiB.call('POST', '/api/v2/remotes', { name, package: 'generic', base_url: upstream.url });
  t.is(duplicate.status, 409, 'B knows the name too');

  t.is((await apiA.call('DELETE', `/api/v2/remotes/${name}`)).status, 204);
  await within(5_000, async () => (await status(b, name, 'f1.txt')).status === 404);
  t.is((await apiB.call('GET', `/api/v2/remotes/${name}`)).status, 404);

  // Evicting through one replica: the next GET is a MISS on either, hot memory tiers included.
  for (const replica of [a, b, a, b]) for (const path of ['f1.txt', 'f2.txt', 'f3.txt']) await status(replica, CFG, path);
  t.is((await status(a, CFG, 'f1.txt')).cache, 'HIT');
  t.is((await status(b, CFG, 'f2.txt')).cache, 'HIT');
  const prefix = await apiA.call('DELETE', `/api/v2/remotes/${CFG}/objects?prefix=f`);
  t.deepEqual(prefix.body, { evicted: 3 });
  t.is((await status(b, CFG, 'f1.txt')).cache, 'MISS', 'B follows an eviction made on A');
  t.is((await status(a, CFG, 'f2.txt')).cache, 'MISS');
  for (const replica of [a, b, a, b]) await status(replica, CFG, 'f3.txt');
  const one = await apiB.call('DELETE', `/api/v2/remotes/${CFG}/objects?path=f3.txt`);
  t.deepEqual(one.body, { evicted: 1 });
  t.is((await status(a, CFG, 'f3.txt')).cache, 'MISS', 'A follows an eviction made on B');
  t.is(upstream.hits('/f3.txt', 'GET'), 3, 'fetched, fetched again after the prefix eviction, and after the path eviction');

  // B's event stream also carries A's events (A forwards once it sees that a stream is open).
  await within(15_000, async () => {
    await apiA.call('DELETE', `/api/v2/remotes/${CFG}/objects?prefix=nothing-here/`);
    return eventsB.received.some((e) => e.event === 'evict' && e.data['path'] === 'nothing-here/' && typeof e.data['replica'] === 'string');
  });
  const fetchedOnA = `fresh-${tag}.txt`;
  upstream.setFile(`/${fetchedOnA}`, 'fresh');
  t.is((await status(a, CFG, fetchedOnA)).cache, 'MISS');
  await eventsB.waitFor((e) => e.event === 'fetch' && e.data['path'] === fetchedOnA);

  // Traffic counters are summed over the replicas (each reports every few seconds).
  const listed = await apiA.call('GET', `/api/v2/remotes/${CFG}/objects`);
  t.deepEqual(listed.body['objects'].map((o: { path: string }) => o.path), ['f1.txt', 'f2.txt', 'f3.txt', fetchedOnA]);
  await within(15_000, async () => {
    const [fromA, fromB] = await Promise.all([apiA.call('GET', '/api/v2/stats'), apiB.call('GET', '/api/v2/stats')]);
    const ra = fromA.body['repositories'][CFG];
    const rb = fromB.body['repositories'][CFG];
    // Every GET above on either replica (3 paths × 4, 2, 2, 4, 1, 1), and both replicas agree.
    return ra.hits + ra.misses === 22 && rb.hits + rb.misses === 22;
  });
  t.pass();
});
