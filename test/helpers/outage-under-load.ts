import { randomBytes } from 'node:crypto';
import type { ExecutionContext } from 'ava';
import { startUpstream, type UpstreamServer } from '@artifactapi/plugin-sdk/testkit';
import { eventually, health } from '@artifactapi/core/testing/outage';
import { ClientLoad, outcomesOf, tally, type KnownArtifact, type LoadResult } from './client-load.js';
import { privateBackends, type PrivateBackends, type Stoppable } from './private-backends.js';
import { startServe, type ServeProcess } from './serve-process.js';
import { tempDir, writeConfig } from './temp-dir.js';

export const CLIENTS = 50;
/** Answers of each kind the test waits for in each phase. */
const PER_PHASE = 20;
/** How long the product may take to serve again once the service is back. */
export const RECOVERY_MS = 30_000;
/** Larger blobs are never kept in the memory tier: a hit on one reads the blob store. */
const MEMORY_MAX_OBJECT = 64 * 1024;

export type Backend = 'metadata' | 'coordination' | 'storage';
export const KINDS = ['hot', 'big', 'cold'] as const;

export interface OutageRun {
  backends: PrivateBackends;
  upstream: UpstreamServer;
  serve: ServeProcess;
  hot: KnownArtifact[];
  big: KnownArtifact[];
  /** Every answer, all phases. */
  all: LoadResult[];
  /** Answers to requests sent before the service was stopped. */
  before: LoadResult[];
  /** Answers to requests sent once /health showed the outage, and ended before the service came back. */
  during: LoadResult[];
  /** Answers to requests sent once every kind had been served again after the restart. */
  after: LoadResult[];
  /** The server's output, for an assertion's message. */
  logs(): string;
}

/**
 * One `artifactapi serve` on private S3, PostgreSQL and Redis, under a load of {@link CLIENTS}
 * clients asking for three kinds of artifacts in turn:
 * - `hot`: small, stored before the load, so their entries and bytes are in the memory tier;
 * - `big`: stored before the load, larger than the memory tier takes: a hit reads the replica's
 *   disk tier (its copy of the S3 blob), or S3;
 * - `cold`: a new path each time, so every request is a miss that fetches and stores.
 * While the load runs, the service of `backend` is stopped until /health shows it down and each
 * kind has had `answersDuring` answers (default 20), then started again; the load goes on until
 * each kind is served again.
 */
export async function outageUnderLoad(
  t: ExecutionContext,
  backend: Backend,
  service: (b: PrivateBackends) => Stoppable,
  options: { answersDuring?: number } = {},
): Promise<OutageRun> {
  const backends = await privateBackends(t);
  const hot = Array.from({ length: 8 }, (_, i) => artifact('hot', `/hot/${i}.bin`, 4 * 1024));
  const big = Array.from({ length: 2 }, (_, i) => artifact('big', `/big/${i}.bin`, 512 * 1024));
  const upstream = await startUpstream({ files: Object.fromEntries([...hot, ...big].map((a) => [a.path, a.body])) });
  t.teardown(() => upstream.close());
  const config = await writeConfig(
    await tempDir(t),
    `${backends.yaml}
log: { level: warn }
memory_cache: { max_object_bytes: ${MEMORY_MAX_OBJECT} }
remotes:
  up: { type: remote, package: generic, base_url: ${upstream.url} }
`,
  );
  const serve = await startServe(t, { config });
  const url = (a: KnownArtifact) => `${serve.url}/api/v1/remote/up${a.path}`;
  // The end of the server's log: what it said about the recovery.
  const logs = () => `--- serve stdout (end)\n${serve.stdout().slice(-6000)}\n--- stderr\n${serve.stderr().slice(-2000)}`;

  // Stored, then asked once more so the small ones' bytes are in memory too.
  for (const a of [...hot, ...big]) await fetchOk(url(a));
  await eventually('the warm-up rows committed', () => backends.query('SELECT path FROM entries'), (rows) => rows.length === hot.length + big.length);
  for (const a of hot) await fetchOk(url(a));

  let turn = 0;
  let colds = 0;
  const pick = (): KnownArtifact => {
    const n = turn++ % 4;
    if (n < 2) return hot[turn % hot.length]!;
    if (n === 2) return big[turn % big.length]!;
    const cold = artifact('cold', `/cold/${colds++}.bin`, 256 * 1024);
    upstream.setFile(cold.path, cold.body);
    return cold;
  };
  const load = new ClientLoad(CLIENTS, url, pick);
  t.teardown(() => load.stop());

  const started = performance.now();
  await load.whenAnswered(KINDS, PER_PHASE, started);
  const stoppedAt = performance.now();
  await service(backends).stop();
  await eventually(`/health showing ${backend} down`, () => health(serve.url), (h) => h.body.backends[backend].ok === false);
  const noticedAt = performance.now();
  await load.whenAnswered(KINDS, options.answersDuring ?? PER_PHASE, noticedAt);

  const restartedAt = performance.now();
  await service(backends).start();
  const ok = (r: LoadResult) => r.outcome === 'ok';
  try {
    await load.whenAnswered(KINDS, 1, restartedAt, ok, RECOVERY_MS);
  } catch (err) {
    throw new Error(`not served again within ${RECOVERY_MS} ms of the restart: ${(err as Error).message}\n${logs()}`);
  }
  const recoveredAt = performance.now();
  await load.whenAnswered(KINDS, PER_PHASE, recoveredAt);
  await load.stop();
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  t.log(`phases: before ${s(stoppedAt - started)}, until noticed ${s(noticedAt - stoppedAt)}, outage ${s(restartedAt - noticedAt)}, until served again ${s(recoveredAt - restartedAt)}, after ${s(performance.now() - recoveredAt)}`);
  t.log(`${load.results.length} answers: ${JSON.stringify(tally(load.results))}; during the outage: ${JSON.stringify(tally(load.between(noticedAt, restartedAt)))}`);

  return {
    backends,
    upstream,
    serve,
    hot,
    big,
    all: load.results,
    before: load.between(started, stoppedAt),
    during: load.between(noticedAt, restartedAt),
    after: load.between(recoveredAt),
    logs,
  };
}

function artifact(kind: string, path: string, size: number): KnownArtifact {
  return { kind, path, body: randomBytes(size) };
}

async function fetchOk(url: string): Promise<void> {
  const res = await fetch(url);
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`warm-up GET ${url}: ${res.status}`);
}

/**
 * The checks every outage makes: no answer ever carries wrong bytes; every answer is one of
 * `allowed` (its transitions included: cut bodies of requests in flight at the stop); before and
 * after, everything is served; during, each kind gets exactly the outcomes of `during`; nothing
 * stored before was fetched again; and no metadata row points at a missing blob.
 */
export async function assertOutage(t: ExecutionContext, run: OutageRun, during: Record<(typeof KINDS)[number], string[]>, allowed: string[]): Promise<void> {
  t.deepEqual(run.all.filter((r) => r.outcome.startsWith('CORRUPT')).map((r) => r.outcome), [], 'no corrupt body');
  const unexpected = run.all.filter((r) => r.outcome !== 'ok' && !allowed.includes(r.outcome));
  t.deepEqual(unexpected.map((r) => `${r.outcome}: ${r.detail}`), [], 'every failure is one the product is meant to give');
  for (const kind of KINDS) {
    t.deepEqual(outcomesOf(run.before, kind), ['ok'], `${kind} before the outage`);
    t.deepEqual(outcomesOf(run.during, kind), during[kind], `${kind} during the outage: ${JSON.stringify(tally(run.during))}`);
    t.deepEqual(outcomesOf(run.after, kind), ['ok'], `${kind} after recovery`);
  }
  for (const a of [...run.hot, ...run.big]) t.is(run.upstream.hits(a.path, 'GET'), 1, `${a.path} was fetched upstream once`);
  // Polled: s3rver answers HEAD bucket by listing the bucket's files, which fails with a 500 now
  // and then while the server is still removing temporary objects (real S3 has no such listing).
  const healthy = await eventually('/health after recovery', () => health(run.serve.url), (h) => h.status === 200 && h.body.status === 'ok', RECOVERY_MS).then(
    () => 'ok',
    (err: Error) => err.message,
  );
  t.is(healthy, 'ok', 'healthy again without a restart');
  t.deepEqual(await run.backends.rowsWithoutBlob(), [], 'every metadata row points at its whole blob');
}
