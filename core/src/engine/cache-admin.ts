import type { CacheEntry, MetadataStore } from '../metadata/metadata-store.js';
import { AapiError } from '../errors.js';
import { backendError } from './backend-errors.js';
import type { EntryStore } from './entry-store.js';
import type { FetchLock } from './fetch-lock.js';
import { HotCache } from './hot-cache.js';
import type { Invalidation } from './invalidation.js';
import type { RepoRuntime } from './repo-runtime.js';

const MAX_LIST_LIMIT = 1000;
const DEFAULT_LIST_LIMIT = 100;
/** Entries evicted per metadata round trip under a prefix. */
const EVICT_BATCH = 500;

export interface ListOptions {
  prefix?: string;
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface ListPage {
  entries: CacheEntry[];
  nextCursor?: string;
}

/**
 * Listing and evicting what a repository holds (the management API's objects endpoints, and
 * plugins through the engine service). Eviction goes through the EntryStore and also forgets a
 * remembered 404, so the next request for an evicted path goes upstream on every replica.
 */
export class CacheAdmin {
  constructor(
    private readonly deps: { meta: MetadataStore; entries: EntryStore; lock: FetchLock; invalidation: Invalidation; hot: HotCache },
  ) {}

  /** A page of entries in path order. The cursor is the last path of the page, so pages stay stable as entries come and go. */
  async list(repo: RepoRuntime, options: ListOptions = {}): Promise<ListPage> {
    const prefix = options.prefix ?? '';
    const limit = options.limit ?? DEFAULT_LIST_LIMIT;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
      throw new AapiError('AAPI_ERR_REQUEST_INVALID', `limit must be an integer from 1 to ${MAX_LIST_LIMIT}, got ${limit}`);
    }
    const cursor = options.cursor;
    if (cursor !== undefined && !cursor.startsWith(prefix)) throw new AapiError('AAPI_ERR_REQUEST_INVALID', 'cursor does not belong to this prefix');
    let rows: CacheEntry[];
    try {
      // Paths never contain NUL, so `cursor + NUL` is the first path after the cursor.
      rows = await this.deps.meta.list(repo.name, prefix, limit + 1, cursor === undefined ? undefined : `${cursor}\u0000`);
    } catch (err) {
      throw backendError('AAPI_ERR_METADATA_UNAVAILABLE', err);
    }
    const entries = rows.slice(0, limit);
    return rows.length > limit ? { entries, nextCursor: entries[entries.length - 1]!.path } : { entries };
  }

  /** Drops one path (any spelling a GET accepts); resolves to how many entries were dropped (0 or 1). */
  async evictPath(repo: RepoRuntime, requestPath: string): Promise<number> {
    const path = repo.canonicalPath(requestPath);
    await this.deps.lock.forgetMissing(HotCache.key(repo.name, path));
    const entry = await this.deps.entries.lookup(repo.name, path);
    if (!entry) return 0;
    await this.deps.entries.forget(entry);
    return 1;
  }

  /** Drops every entry whose path starts with `prefix` (literally); resolves to how many. */
  async evictPrefix(repo: RepoRuntime, prefix: string): Promise<number> {
    let evicted = 0;
    for (;;) {
      let batch: CacheEntry[];
      try {
        batch = await this.deps.meta.list(repo.name, prefix, EVICT_BATCH);
      } catch (err) {
        throw backendError('AAPI_ERR_METADATA_UNAVAILABLE', err);
      }
      for (const entry of batch) {
        await this.deps.entries.forget(entry);
        await this.deps.lock.forgetMissing(HotCache.key(entry.repo, entry.path));
        evicted++;
      }
      if (batch.length < EVICT_BATCH) break;
    }
    // Entries another replica holds in memory but this one never saw go too.
    this.deps.hot.deletePrefix(HotCache.key(repo.name, prefix));
    await this.deps.invalidation.publishPrefix(repo.name, prefix);
    return evicted;
  }
}
