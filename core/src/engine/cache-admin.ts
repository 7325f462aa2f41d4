import { sortValue } from '../metadata/browse-sql.js';
import type { BrowsedEntry, CacheEntry, MetadataStore, ObjectSort } from '../metadata/metadata-store.js';
import { AapiError } from '../errors.js';
import type { AccessCounts } from './access-counts.js';
import { backendError } from './backend-errors.js';
import type { EntryStore } from './entry-store.js';
import type { EventBus } from './event-bus.js';
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

/** What the object browser asks for; the cursor carries the sort, order and filters it was made for. */
export interface BrowseOptions {
  prefix?: string;
  q?: string;
  sort?: ObjectSort;
  order?: 'asc' | 'desc';
  limit?: number;
  cursor?: string;
}

export interface BrowsePage {
  entries: BrowsedEntry[];
  nextCursor?: string;
}

/** The state a browse cursor keeps: the query it belongs to and the last row's sort key. */
interface BrowseCursor {
  s: ObjectSort;
  o: 'asc' | 'desc';
  p: string;
  q: string;
  v: string | number;
  k: string;
}

/**
 * Listing and evicting what a repository holds (the management API's objects endpoints, and
 * plugins through the engine service). Eviction goes through the EntryStore and also forgets a
 * remembered 404, so the next request for an evicted path goes upstream on every replica.
 */
export class CacheAdmin {
  constructor(
    private readonly deps: {
      meta: MetadataStore;
      entries: EntryStore;
      lock: FetchLock;
      invalidation: Invalidation;
      hot: HotCache;
      events: EventBus;
      access: AccessCounts;
    },
  ) {}

  /**
   * A page in any browsable order (path, size, hits, cached_at), by keyset on an index: the cursor
   * holds the last row's sort value and path, so a page costs the same however deep it is.
   */
  async browse(repo: RepoRuntime, options: BrowseOptions): Promise<BrowsePage> {
    const sort = options.sort ?? 'path';
    const order = options.order ?? 'asc';
    const prefix = options.prefix ?? '';
    const q = options.q ?? '';
    const limit = options.limit ?? DEFAULT_LIST_LIMIT;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
      throw new AapiError('AAPI_ERR_REQUEST_INVALID', `limit must be an integer from 1 to ${MAX_LIST_LIMIT}, got ${limit}`, { path: 'querystring.limit' });
    }
    let after: { value: string | number; path: string } | undefined;
    if (options.cursor !== undefined && options.cursor !== '') {
      const cursor = decodeCursor(options.cursor);
      if (!cursor || cursor.s !== sort || cursor.o !== order || cursor.p !== prefix || cursor.q !== q) {
        throw new AapiError('AAPI_ERR_REQUEST_INVALID', 'cursor does not belong to this listing (sort, order, prefix and q must stay the same)', {
          path: 'querystring.cursor',
        });
      }
      after = { value: cursor.v, path: cursor.k };
    }
    // This replica's own hits show at once; other replicas' within their flush interval.
    await this.deps.access.flush();
    let rows: BrowsedEntry[];
    try {
      rows = await this.deps.meta.browse({ repo: repo.name, prefix, q, sort, order, limit: limit + 1, ...(after ? { after } : {}) });
    } catch (err) {
      throw backendError('AAPI_ERR_METADATA_UNAVAILABLE', err);
    }
    const entries = rows.slice(0, limit);
    if (rows.length <= limit) return { entries };
    const last = entries[entries.length - 1]!;
    return { entries, nextCursor: encodeCursor({ s: sort, o: order, p: prefix, q, v: sortValue(last, sort), k: last.path }) };
  }

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
    if (this.deps.events.active) this.deps.events.emit({ type: 'evict', repo: repo.name, path, action: 'path' });
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
    if (this.deps.events.active) this.deps.events.emit({ type: 'evict', repo: repo.name, path: prefix, action: 'prefix', message: `${evicted} evicted` });
    return evicted;
  }
}

function encodeCursor(cursor: BrowseCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string): BrowseCursor | undefined {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<BrowseCursor>;
    const valueOk = typeof c.v === 'string' || (typeof c.v === 'number' && Number.isFinite(c.v));
    if (typeof c.s !== 'string' || typeof c.o !== 'string' || typeof c.p !== 'string' || typeof c.q !== 'string' || typeof c.k !== 'string' || !valueOk) {
      return undefined;
    }
    return c as BrowseCursor;
  } catch {
    return undefined;
  }
}
