import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { PluginDefinition } from '@artifactapi/plugin-sdk';
import { definePlugin } from '@artifactapi/plugin-sdk';
import { parseConfig } from '../../src/config/index.js';
import { MemoryCoordinator } from '../../src/coord/memory-coordinator.js';
import { Engine, HotCache, RepoRuntime, RepositoryService } from '../../src/engine/index.js';
import { SqliteMetadataStore } from '../../src/metadata/sqlite-metadata-store.js';
import { genericPlugin } from '../../src/plugins/generic.js';
import { withDefaults, type CorePlugin } from '../../src/plugins/plugin-defaults.js';
import { FsBlobStore } from '../../src/storage/fs-blob-store.js';
import { UpstreamClient } from '../../src/upstream/upstream-client.js';
import { WorkerPool } from '../../src/workers/index.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** One replica: its own engine, memory tier, upstream client and worker pool, over the shared backends. */
export interface EngineReplica {
  engine: Engine;
  service: RepositoryService;
  /** The shared data directory (blobs/, meta.db, uploads/). */
  dataDir: string;
}

/**
 * Two engines sharing one blob directory, one SQLite file and one in-process coordinator, as two
 * replicas share S3, PostgreSQL and Redis: what one writes or evicts, the other must see.
 * `plugins` adds package types beside `generic` (apiVersion 2 definitions); `uploadIdleMs`
 * shortens upload sessions' idle limit.
 */
export async function engineReplicas(
  t: Teardown,
  yaml: string,
  plugins: PluginDefinition[] = [],
  options: { uploadIdleMs?: number } = {},
): Promise<[EngineReplica, EngineReplica]> {
  const dir = await mkdtemp(join(tmpdir(), 'aapi-replicas-'));
  const config = parseConfig(yaml, { dataDir: dir, env: {} });
  const log = pino({ level: process.env.AAPI_TEST_LOG ?? 'silent' });
  const blobs = new FsBlobStore({ root: join(dir, 'blobs') });
  const meta = new SqliteMetadataStore({ path: join(dir, 'meta.db') });
  const coord = new MemoryCoordinator();
  const types = new Map<string, CorePlugin>([['generic', withDefaults(genericPlugin, 1)]]);
  for (const def of plugins) types.set(def.type, withDefaults(definePlugin(def), 2));
  const replica = async (): Promise<EngineReplica> => {
    const upstream = new UpstreamClient(config.upstream, {});
    const pool = new WorkerPool({ size: 1 });
    const engine = new Engine({ blobs, meta, coord, upstream, hot: new HotCache(config.memory_cache), pool, spoolDir: dir, log, ...options });
    await engine.start();
    const repos = new Map(Object.values(config.remotes).map((r) => [r.name, new RepoRuntime(r, types.get(r.package)!, log)]));
    const virtuals = new Map(Object.values(config.virtuals).map((v) => [v.name, v]));
    t.teardown(async () => {
      await engine.stop();
      await upstream.close();
      await pool.close();
    });
    return { engine, service: new RepositoryService(engine, repos, virtuals), dataDir: dir };
  };
  const pair: [EngineReplica, EngineReplica] = [await replica(), await replica()];
  t.teardown(async () => {
    await Promise.allSettled([blobs.close(), meta.close(), coord.close()]);
    await rm(dir, { recursive: true, force: true });
  });
  return pair;
}

/** The body of what a service `get` served, as text. */
export async function servedText(served: { open(): Promise<NodeJS.ReadableStream | Buffer> }): Promise<string> {
  const body = await served.open();
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
