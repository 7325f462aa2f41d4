import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecutionContext } from 'ava';
import { startUpstream, type UpstreamServer } from '@artifactapi/plugin-sdk/testkit';
import { hashedGet, type HashedResponse } from '@artifactapi/core/testing/hashed-get';
import { sha256 } from '@artifactapi/core/testing/integrity-asserts';
import { postgresProbe, redisProbe, serialIfAll, serviceGate } from '@artifactapi/core/testing/services';
import { waitUntilReplicaWaits } from './helpers/replica-waits.js';
import { startServe, type ServeProcess } from './helpers/serve-process.js';
import { POSTGRES_URL, REDIS_URL, sharedBackends, type SharedBackends } from './helpers/shared-backends.js';
import { streamedArtifact } from './helpers/streamed-artifact.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';

// Two `artifactapi serve` processes sharing one PostgreSQL database, one Redis database and one
// s3rver bucket, as replicas behind a load balancer would. Serial: two of these tests move tens of
// MiB through s3rver, and the machine is shared.
const test = serialIfAll([
  await serviceGate(`PostgreSQL at ${new URL(POSTGRES_URL).host}`, postgresProbe(POSTGRES_URL)),
  await serviceGate(`Redis at ${new URL(REDIS_URL).host}`, redisProbe(REDIS_URL)),
]);

const MiB = 1024 * 1024;

interface Replicas {
  backends: SharedBackends;
  upstream: UpstreamServer;
  a: ServeProcess;
  b: ServeProcess;
  /** The repository's name: unique per test, because Redis channels are not per logical database. */
  repo: string;
  url(replica: ServeProcess, path: string): string;
}

/** Starts the backends, the upstream and two replicas (together, so they also race on migrations). */
async function twoReplicas(t: ExecutionContext, upstream: UpstreamServer, remoteYaml = ''): Promise<Replicas> {
  t.teardown(() => upstream.close());
  const backends = await sharedBackends(t);
  const repo = `mr${randomBytes(4).toString('hex')}`;
  const config = await writeConfig(
    await tempDir(t),
    `${backends.yaml}
log: { level: info }
remotes:
  ${repo}:
    type: remote
    package: generic
    base_url: ${upstream.url}
${remoteYaml.replace(/^/gm, '    ')}
`,
  );
  const [a, b] = await Promise.all([startServe(t, { config }), startServe(t, { config })]);
  return { backends, upstream, a, b, repo, url: (replica, path) => `${replica.url}/api/v1/remote/${repo}${path}` };
}

/** Process output of both replicas, for a failing assertion's message. */
function logs({ a, b }: Replicas): string {
  return `--- replica A\n${a.stdout()}${a.stderr()}\n--- replica B\n${b.stdout()}${b.stderr()}`;
}

function tally(results: HashedResponse[], header: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) {
    const value = String(r.headers[header] ?? r.status);
    counts[value] = (counts[value] ?? 0) + 1;
  }
  return counts;
}

async function entryRows(backends: SharedBackends, repo: string, path: string) {
  return backends.query<{ digest: string; size: string; expires_at: string | null }>(
    'SELECT digest, size, expires_at FROM entries WHERE repo = $1 AND path = $2',
    [repo, path.replace(/^\//, '')],
  );
}

test('40 concurrent requests for a cold 50 MiB artifact across two replicas: one upstream GET, 40 correct bodies', async (t) => {
  const body = randomBytes(50 * MiB);
  const digest = sha256(body);
  // 50 chunks of 1 MiB, 60 ms apart: about 3 s upstream, so every request joins while it runs.
  const artifact = streamedArtifact(body, { intervalMs: 60 });
  const replicas = await twoReplicas(t, await startUpstream({ handlers: { '/big.bin': artifact.handler } }));
  const { a, b, upstream, url } = replicas;

  const started = performance.now();
  const finished: Record<string, number> = {};
  const results = await Promise.all(
    Array.from({ length: 40 }, async (_, i) => {
      const result = await hashedGet(url(i % 2 === 0 ? a : b, '/big.bin'));
      finished[`${i % 2 === 0 ? 'A' : 'B'} ${String(result.headers['x-artifact-cache'] ?? result.status)}`] = performance.now() - started;
      return result;
    }),
  );
  const last = Object.entries(finished).map(([what, ms]) => `${what} ${(ms / 1000).toFixed(1)} s`);
  t.log(`X-Artifact-Cache: ${JSON.stringify(tally(results, 'x-artifact-cache'))}; last body done per replica and status: ${last.join(', ')}`);
  t.is(upstream.hits('/big.bin', 'GET'), 1, logs(replicas));
  for (const [i, r] of results.entries()) {
    const where = `request ${i} (replica ${i % 2 === 0 ? 'A' : 'B'}): ${r.status} ${r.error?.message ?? ''} ${r.text ?? ''}`;
    t.is(r.status, 200, where);
    t.true(r.complete, where);
    t.is(r.size, body.byteLength, where);
    t.is(r.sha256, digest, where);
  }
  const rows = await entryRows(replicas.backends, replicas.repo, '/big.bin');
  t.deepEqual(
    rows.map((row) => ({ digest: row.digest, size: Number(row.size) })),
    [{ digest, size: body.byteLength }],
  );
});

test('killing the leader replica mid-download leaves no corrupt entry; the other replica takes over', async (t) => {
  const body = randomBytes(20 * MiB);
  const digest = sha256(body);
  // The upstream stops after 6 MiB and waits: replica A stays mid-download until it is killed.
  const artifact = streamedArtifact(body, { intervalMs: 20, holdAt: 6 * MiB });
  const replicas = await twoReplicas(t, await startUpstream({ handlers: { '/big.bin': artifact.handler } }));
  const { a, b, upstream, url, repo } = replicas;

  const onA = hashedGet(url(a, '/big.bin'));
  await artifact.whenSent(6 * MiB);
  t.is(upstream.hits('/big.bin', 'GET'), 1);
  const onB = Array.from({ length: 10 }, () => hashedGet(url(b, '/big.bin')));
  await waitUntilReplicaWaits(replicas.backends.redisUrl, repo);

  const killedAt = performance.now();
  await a.stop('SIGKILL');
  // The take-over download runs at full speed.
  artifact.holdAt = undefined;
  artifact.intervalMs = 0;
  artifact.release();
  const leaderClient = await onA;
  const followers = await Promise.all(onB);
  const tookOverAfter = performance.now() - killedAt;

  t.log(`followers on B settled ${(tookOverAfter / 1000).toFixed(1)} s after the kill`);
  t.false(leaderClient.status === 200 && leaderClient.complete, 'the client of the killed replica got a complete body');
  // The take-over: once the dead leader's lock expires, B fetches the artifact itself and every
  // follower waiting on B gets the whole body from that download.
  t.is(upstream.hits('/big.bin', 'GET'), 2, `the surviving replica fetched once more\n${logs(replicas)}`);
  for (const [i, r] of followers.entries()) {
    const where = `follower ${i}: ${r.status} ${r.error?.message ?? ''} ${r.text ?? ''}`;
    t.is(r.status, 200, where);
    t.true(r.complete, where);
    t.is(r.size, body.byteLength, where);
    t.is(r.sha256, digest, where);
    t.is(r.headers['x-artifact-cache'], 'MISS', where);
  }
  const rows = await entryRows(replicas.backends, repo, '/big.bin');
  t.deepEqual(
    rows.map((row) => ({ digest: row.digest, size: Number(row.size) })),
    [{ digest, size: body.byteLength }],
    'one row, pointing at the whole artifact',
  );

  // The row's blob is there: the next request is a hit with the right bytes and no upstream GET.
  const next = await hashedGet(url(b, '/big.bin'));
  t.is(next.status, 200, `${next.text ?? ''}\n${logs(replicas)}`);
  t.true(next.complete);
  t.is(next.sha256, digest);
  t.is(next.headers['x-artifact-cache'], 'HIT');
  t.is(upstream.hits('/big.bin', 'GET'), 2);
});

test('a mutable entry revalidated on one replica is fresh on the other', async (t) => {
  // A 5 s TTL leaves replica B a comfortable window to see the entry fresh on a loaded machine.
  const path = '/feeds/index.json';
  const upstream = await startUpstream({ files: { [path]: 'v1' } });
  const replicas = await twoReplicas(t, upstream, "mutable_patterns: ['^feeds/']\ncheck_mutable_updates: true\ncache: { mutable_ttl: 5 }");
  const { a, b, url } = replicas;
  const gets = () => upstream.hits(path, 'GET');

  t.like(await summary(url(a, path)), { status: 200, cache: 'MISS', body: 'v1' });
  // B now keeps the entry in its memory tier too: the part another replica's refresh must reach.
  t.like(await summary(url(b, path)), { status: 200, cache: 'HIT', body: 'v1' });
  t.is(gets(), 1);

  await waitUntilExpired(replicas, path);
  t.like(await summary(url(a, path)), { status: 200, cache: 'REVALIDATED', body: 'v1' }, logs(replicas));
  t.is(gets(), 2);
  t.like(await summary(url(b, path)), { status: 200, cache: 'HIT', source: 'cache', body: 'v1' }, logs(replicas));
  t.is(gets(), 2, 'replica B asked the upstream again for an entry replica A had just revalidated');

  upstream.setFile(path, 'v2');
  await waitUntilExpired(replicas, path);
  t.like(await summary(url(a, path)), { status: 200, cache: 'MISS', body: 'v2' });
  t.is(gets(), 3);
  t.like(await summary(url(b, path)), { status: 200, cache: 'HIT', source: 'cache', body: 'v2' }, logs(replicas));
  t.is(gets(), 3, 'replica B asked the upstream again for an entry replica A had just replaced');
});

async function summary(url: string): Promise<{ status: number; cache: string | null; source: string | null; body: string }> {
  const res = await fetch(url);
  return { status: res.status, cache: res.headers.get('x-artifact-cache'), source: res.headers.get('x-artifact-source'), body: await res.text() };
}

/** Polls the shared database until the entry's stored expiry has passed. */
async function waitUntilExpired({ backends, repo }: Replicas, path: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await entryRows(backends, repo, path);
    const expiresAt = row?.expires_at == null ? undefined : Number(row.expires_at);
    if (expiresAt !== undefined && expiresAt < Date.now()) return;
    if (Date.now() > deadline) throw new Error(`${repo}${path} did not expire within ${timeoutMs} ms (expires_at ${String(expiresAt)})`);
    await sleep(expiresAt === undefined ? 25 : Math.max(10, expiresAt - Date.now() + 10));
  }
}
