import type { Logger } from 'pino';
import type { AppConfig } from './config/index.js';
import type { Coordinator } from './coord/coordinator.js';
import { MemoryCoordinator } from './coord/memory-coordinator.js';
import type { MetadataStore } from './metadata/metadata-store.js';
import { SqliteMetadataStore } from './metadata/sqlite-metadata-store.js';
import type { BlobStore } from './storage/blob-store.js';
import type { DiskTierStats } from './storage/disk-tier.js';
import { FsBlobStore } from './storage/fs-blob-store.js';
import type { BreakerStore } from './upstream/breaker-store.js';

/** The three backends of DESIGN §2, plus the breaker store that goes with the coordinator. */
export interface Backends {
  blobs: BlobStore;
  meta: MetadataStore;
  coord: Coordinator;
  /** Shared circuit-breaker state when coordination is distributed; undefined = in this process. */
  breakerStore?: BreakerStore;
  /** Counters of the S3 store's local disk tier, when it has one. */
  diskTierStats?: () => DiskTierStats;
}

/**
 * Builds the backends the config selects. The distributed clients (AWS SDK, pg-promise, ioredis)
 * are loaded only when selected, so the embedded default does not carry them in memory.
 * Distributed stores connect lazily: a replica starts, and reports 503, while a backend is down.
 */
export async function createBackends(config: AppConfig, logger: Logger): Promise<Backends> {
  const { storage, metadata, coordination } = config;
  let blobs: BlobStore;
  let diskTierStats: (() => DiskTierStats) | undefined;
  if (storage.kind === 'fs') {
    blobs = new FsBlobStore({ root: storage.path });
  } else {
    const { S3BlobStore } = await import('./storage/s3-blob-store.js');
    const { kind: _kind, disk_cache: diskCache, redirect_seconds: _redirect, ...s3 } = storage;
    blobs = new S3BlobStore(s3);
    if (diskCache) {
      const { DiskTieredBlobStore } = await import('./storage/disk-tiered-blob-store.js');
      const tiered = new DiskTieredBlobStore(blobs, { path: diskCache.path, maxBytes: diskCache.max_bytes, log: logger });
      diskTierStats = () => tiered.stats();
      blobs = tiered;
    }
  }
  let meta: MetadataStore;
  if (metadata.kind === 'sqlite') {
    meta = new SqliteMetadataStore({ path: metadata.path });
  } else {
    const { PostgresMetadataStore } = await import('./metadata/postgres-metadata-store.js');
    meta = new PostgresMetadataStore({ url: metadata.url });
  }
  const extras = diskTierStats ? { diskTierStats } : {};
  if (coordination.kind === 'memory') return { blobs, meta, coord: new MemoryCoordinator(), ...extras };
  const { RedisCoordinator } = await import('./coord/redis-coordinator.js');
  const { RedisBreakerStore } = await import('./upstream/redis-breaker-store.js');
  const coord = new RedisCoordinator({ url: coordination.url, ...(coordination.key_prefix === undefined ? {} : { keyPrefix: coordination.key_prefix }), log: logger });
  // Every replica shares one circuit breaker per upstream.
  const breakerStore = new RedisBreakerStore({ client: coord.client, keyPrefix: coord.keyPrefix, log: logger });
  return { blobs, meta, coord, breakerStore, ...extras };
}
