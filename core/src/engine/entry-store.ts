import type { PluginLogger } from '@artifactapi/plugin-sdk';
import type { CacheEntry, MetadataStore } from '../metadata/metadata-store.js';
import type { BlobStore } from '../storage/blob-store.js';
import { backendError, isMissing } from './backend-errors.js';
import { HotCache } from './hot-cache.js';
import type { Invalidation } from './invalidation.js';
import type { RepoRuntime } from './repo-runtime.js';
import { servedFacts, type CacheStatus, type Served } from './served.js';

/**
 * Entries and their bytes across the tiers: the memory tier (HotCache) in front of the metadata
 * and blob stores, with every change published to the other replicas. Every write to an entry goes
 * through here, so no replica keeps serving a copy this one replaced or removed.
 */
export class EntryStore {
  constructor(
    private readonly hot: HotCache,
    private readonly meta: MetadataStore,
    private readonly blobs: BlobStore,
    private readonly invalidation: Invalidation,
    private readonly log: PluginLogger,
  ) {}

  /** The entry for (repo, path): from memory, else from the metadata store (then kept in memory). */
  async lookup(repo: string, path: string): Promise<CacheEntry | undefined> {
    const hot = this.hot.getEntry(HotCache.key(repo, path));
    if (hot) return hot;
    let entry: CacheEntry | undefined;
    try {
      entry = await this.meta.get(repo, path);
    } catch (err) {
      throw backendError('AAPI_ERR_METADATA_UNAVAILABLE', err);
    }
    if (entry) this.hot.setEntry(entry);
    return entry;
  }

  /** The entry as the metadata store has it now, bypassing memory (for read-modify-write under a lock). */
  async current(repo: string, path: string): Promise<CacheEntry | undefined> {
    try {
      return await this.meta.get(repo, path);
    } catch (err) {
      throw backendError('AAPI_ERR_METADATA_UNAVAILABLE', err);
    }
  }

  /** The entry as the metadata store has it now, bypassing memory; undefined when it cannot say. */
  async reread(repo: string, path: string): Promise<CacheEntry | undefined> {
    const fresh = await this.meta.get(repo, path).catch(() => undefined);
    if (fresh) this.hot.setEntry(fresh);
    return fresh;
  }

  /** Makes a stored entry visible: metadata row, memory tier, other replicas. */
  async record(entry: CacheEntry): Promise<void> {
    try {
      await this.meta.put(entry);
    } catch (err) {
      throw backendError('AAPI_ERR_METADATA_UNAVAILABLE', err);
    }
    this.hot.setEntry(entry);
    await this.invalidation.publish(HotCache.key(entry.repo, entry.path));
  }

  /** Drops an entry everywhere and deletes its blob when nothing else refers to it. */
  async forget(entry: CacheEntry): Promise<void> {
    const key = HotCache.key(entry.repo, entry.path);
    this.hot.deleteEntry(key);
    try {
      await this.meta.delete(entry.repo, entry.path);
    } catch (err) {
      throw backendError('AAPI_ERR_METADATA_UNAVAILABLE', err);
    }
    await this.invalidation.publish(key);
    const refs = await this.meta.countDigestRefs(entry.digest).catch(() => 1);
    if (refs === 0) await this.blobs.delete(entry.digest).catch(() => {});
  }

  /** Moves an entry's expiry forward (after a 304 or a stale serve), here and on the other replicas. */
  async refreshExpiry(repo: RepoRuntime, entry: CacheEntry): Promise<CacheEntry> {
    const refreshed = { ...entry, expiresAt: repo.expiryFor(entry.mutable, Date.now()) };
    this.hot.setEntry(refreshed);
    const persisted = await this.meta.setExpiry(entry.repo, entry.path, refreshed.expiresAt).then(
      () => true,
      (err: unknown) => {
        this.log.warn({ err, repo: entry.repo, path: entry.path }, 'could not persist a refreshed expiry');
        return false;
      },
    );
    // Other replicas may hold the expired entry in memory: make them read the refreshed row.
    if (persisted) await this.invalidation.publish(HotCache.key(entry.repo, entry.path));
    return refreshed;
  }

  /** The bytes of a stored entry, from memory when it is small and hot. */
  async bytes(entry: CacheEntry): Promise<Buffer> {
    const hot = this.hot.getBlob(entry.digest);
    if (hot) return hot;
    try {
      const bytes = await this.blobs.readAll(entry.digest);
      this.hot.offerBlob(entry.digest, bytes);
      return bytes;
    } catch (err) {
      throw backendError('AAPI_ERR_STORAGE_UNAVAILABLE', err);
    }
  }

  /** Serves a stored entry, or undefined when its blob has gone missing. */
  async serve(entry: CacheEntry, cache: CacheStatus, source: 'cache' | 'remote', upstreamStatus?: number): Promise<Served | undefined> {
    const { hot, blobs } = this;
    const base = servedFacts(entry, cache, source, upstreamStatus);
    let bytes = hot.getBlob(entry.digest);
    if (!bytes && hot.wantsBlob(entry.size)) {
      try {
        bytes = await blobs.readAll(entry.digest);
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw backendError('AAPI_ERR_STORAGE_UNAVAILABLE', err);
      }
      hot.offerBlob(entry.digest, bytes);
    }
    if (bytes) return servedFromMemory(base, bytes);
    try {
      if (!(await blobs.stat(entry.digest))) return undefined;
    } catch (err) {
      throw backendError('AAPI_ERR_STORAGE_UNAVAILABLE', err);
    }
    return {
      ...base,
      open: async (range) => {
        try {
          return await blobs.read(entry.digest, range);
        } catch (err) {
          throw backendError('AAPI_ERR_STORAGE_UNAVAILABLE', err);
        }
      },
    };
  }

  /** The entry under a memory-tier key (`HotCache.key`), when it is in memory (the hot path). */
  hotEntry(hotKey: string): CacheEntry | undefined {
    return this.hot.getEntry(hotKey);
  }

  hotBytes(digest: string): Buffer | undefined {
    return this.hot.getBlob(digest);
  }
}

/** Local entries never expire; remote ones until their `expiresAt` (null: forever). */
export function isFresh(repo: RepoRuntime, entry: CacheEntry): boolean {
  return repo.isLocal || entry.expiresAt === null || entry.expiresAt > Date.now();
}

function servedFromMemory(base: Omit<Served, 'open'>, bytes: Buffer): Served {
  return { ...base, open: async (range) => (range ? bytes.subarray(range.start, range.end + 1) : bytes) };
}
