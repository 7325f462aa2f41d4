import { setMaxListeners } from 'node:events';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Classification, PluginLogger, PublishRequest } from '@artifactapi/plugin-sdk';
import type { Coordinator } from '../coord/coordinator.js';
import { AapiError } from '../errors.js';
import type { CacheEntry, MetadataStore } from '../metadata/metadata-store.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { WorkerPool } from '../workers/index.js';
import type { UpstreamClient } from '../upstream/index.js';
import { AccessCounts } from './access-counts.js';
import { CacheAdmin, type BrowseOptions, type BrowsePage, type ListOptions, type ListPage } from './cache-admin.js';
import { EventBus } from './event-bus.js';
import { EntryStore, isFresh } from './entry-store.js';
import { FetchLock } from './fetch-lock.js';
import { servedFromFlight } from './flight-served.js';
import { HotCache } from './hot-cache.js';
import { recheckAgainstIndex } from './index-recheck.js';
import { IndexDocuments, type IndexDocument, type RequestView } from './index-documents.js';
import { Invalidation } from './invalidation.js';
import { LocalWrites, type PutOptions } from './local-writes.js';
import type { RenderedCacheStats } from './rendered-cache.js';
import type { RepoRuntime } from './repo-runtime.js';
import type { Served } from './served.js';
import { SingleFlight } from './single-flight.js';
import { UpstreamExchange } from './upstream-exchange.js';
import { UpstreamTokens } from './upstream-tokens.js';
import { UploadStore } from './upload-store.js';
import { HostedPublish } from './hosted-publish.js';

/** The engine logs through the same narrow interface plugins get. */
export type EngineLogger = PluginLogger;

export interface EngineDeps {
  blobs: BlobStore;
  meta: MetadataStore;
  coord: Coordinator;
  upstream: UpstreamClient;
  hot: HotCache;
  /** Runs plugin rewriters, inspectors and mergers off the event loop. */
  pool: WorkerPool;
  /** Local directory for spool files when the blob store has no local temp file. */
  spoolDir: string;
  log: EngineLogger;
  /** Where upload sessions spool their bytes; replicas that share storage must share it. Default `<spoolDir>/uploads`. */
  uploadDir?: string;
  /** How long an upload session may sit idle before it expires (default one hour). */
  uploadIdleMs?: number;
  /** Defaults for the download limits a repository does not set itself (`upstream.*`). */
  limits?: { maxBodySize?: number; totalSeconds?: number };
  /** Where engine events go (`/api/v2/events`); default: a bus of its own. */
  events?: EventBus;
}

/**
 * The request pipeline of DESIGN §4 for one remote or local repository, route-free: look up,
 * serve hits from memory or the blob store, turn misses and expired entries into one shared
 * upstream exchange per (repo, path), write and evict. The parts live in their own modules; this
 * class wires them and holds the order of the steps.
 */
export class Engine {
  /** Aborts the upstream downloads still running at stop(); they are never committed. */
  private readonly stopping = new AbortController();
  private readonly invalidation: Invalidation;
  private readonly entries: EntryStore;
  private readonly flights: SingleFlight;
  private readonly documents: IndexDocuments;
  private readonly writes: LocalWrites;
  private readonly admin: CacheAdmin;
  private readonly publishes: HostedPublish;
  /** Chunked upload sessions of local repositories. */
  readonly uploads: UploadStore;
  /** Engine events for the management API; emitting costs nothing while nobody listens. */
  readonly events: EventBus;
  /** Hits per stored entry, written in batches (the object browser's `hits` and `last_access`). */
  readonly access: AccessCounts;

  constructor(private readonly deps: EngineDeps) {
    setMaxListeners(0, this.stopping.signal); // one listener per download in flight
    const { blobs, meta, coord, hot, log } = deps;
    this.invalidation = new Invalidation(coord, hot, log);
    this.entries = new EntryStore(hot, meta, blobs, this.invalidation, log);
    const lock = new FetchLock(coord, log);
    const exchange = new UpstreamExchange({
      ...deps,
      entries: this.entries,
      lock,
      tokens: new UpstreamTokens(coord, deps.upstream, log),
      stopping: this.stopping.signal,
      completeSnapshot: (repo, path, verdict, entry) => this.documents.completeSnapshot(repo, path, verdict, entry),
    });
    this.flights = new SingleFlight(this.entries, lock, exchange.run, log);
    this.documents = new IndexDocuments(deps.pool, this);
    this.writes = new LocalWrites({ blobs, spoolDir: deps.spoolDir, entries: this.entries });
    this.uploads = new UploadStore({
      coord,
      dir: deps.uploadDir ?? join(deps.spoolDir, 'uploads'),
      put: (repo, path, body, options) => this.writes.put(repo, path, body, options),
      log,
      ...(deps.uploadIdleMs !== undefined ? { idleMs: deps.uploadIdleMs } : {}),
    });
    this.publishes = new HostedPublish({ coord, pool: deps.pool, entries: this.entries, writes: this.writes });
    this.events = deps.events ?? new EventBus();
    this.access = new AccessCounts(meta, log);
    this.admin = new CacheAdmin({ meta, entries: this.entries, lock, invalidation: this.invalidation, hot, events: this.events, access: this.access });
  }

  /** Subscribes to invalidations from other replicas (retried in the background while the coordinator is down). */
  async start(): Promise<void> {
    await this.invalidation.start();
    await this.uploads.start();
    this.access.start();
  }

  /** Stops listening for invalidations and abandons downloads in flight (the HTTP side has closed by now). */
  async stop(): Promise<void> {
    this.stopping.abort(new AapiError('AAPI_ERR_SHUTTING_DOWN', 'download abandoned'));
    this.uploads.stop();
    await this.access.stop();
    await this.invalidation.stop();
  }

  /** Bytes the rewritten-document cache holds (running renders included) against its bound. */
  renderedStats(): RenderedCacheStats {
    return this.documents.renderedStats();
  }

  /** The worker pool, for merging virtual repositories' documents. */
  get pool(): WorkerPool {
    return this.deps.pool;
  }

  /**
   * Where the entry of a request path is kept, for {@link hotAnswer}: its canonical path, the
   * plugin's verdict with the repository's patterns, and the memory tier's key. Undefined for a
   * denied path. Plugin hooks are pure functions of the path and the repository, so the caller may
   * keep the lookup for as long as it holds the same `repo` (a changed repository is a new one).
   * When a plugin hook throws, so does this.
   */
  hotLookup(repo: RepoRuntime, requestPath: string): HotLookup | undefined {
    const path = repo.canonicalPath(requestPath);
    const verdict = repo.classify(path);
    if (verdict.cache === 'deny') return undefined;
    return { path, hotKey: HotCache.key(repo.name, entryKey(path, verdict)), document: isRewrittenIndex(repo, verdict) ? verdict : undefined };
  }

  /**
   * What {@link get} would answer when it can be answered without awaiting anything: a fresh
   * artifact whose entry and bytes are both in memory, or a fresh index document whose rendering
   * for the client (`request`, asked only for documents; undefined when it cannot be judged here)
   * is in memory too. Undefined when the request needs the full path (anything not in memory,
   * expired entries). When a plugin hook throws, so does this; the caller then falls back to
   * {@link get}, which reports the error properly.
   */
  hotAnswer(repo: RepoRuntime, lookup: HotLookup, request: () => RequestView | undefined): HotAnswer | undefined {
    const entry = this.entries.hotEntry(lookup.hotKey);
    if (!entry || !isFresh(repo, entry)) return undefined;
    const { path, document } = lookup;
    if (document) {
      const view = request();
      const hit = view && this.documents.renderedHit(repo, path, document, entry, view);
      return hit && { kind: 'document', ...hit };
    }
    if (!entry.verified && this.documents.hasIndexCheck(repo, path)) return undefined;
    const bytes = this.entries.hotBytes(entry.digest);
    if (bytes) this.access.hit(entry);
    return bytes && { kind: 'artifact', entry, bytes };
  }

  /**
   * Answers a GET or HEAD for a path of a remote or local repository. Index documents are served
   * rewritten for `request`; artifacts stream from memory, the blob store, or a download in flight.
   */
  async get(repo: RepoRuntime, requestPath: string, request: RequestView = {}): Promise<Served> {
    const path = repo.canonicalPath(requestPath);
    const verdict = repo.classify(path);
    if (verdict.cache === 'deny') throw new AapiError('AAPI_ERR_PATH_DENIED', `${path} (${verdict.reason ?? 'denied'})`);
    if (isRewrittenIndex(repo, verdict)) {
      return this.documents.serve(repo, path, verdict, request);
    }
    let entry = await this.entries.lookup(repo.name, entryKey(path, verdict));
    if (entry && isFresh(repo, entry) && !entry.verified && this.documents.hasIndexCheck(repo, path)) {
      entry = await recheckAgainstIndex({ ...this.deps, documents: this.documents, entries: this.entries }, repo, path, verdict, entry);
    }
    if (entry && isFresh(repo, entry)) {
      const served = await this.entries.serve(entry, 'HIT', 'cache');
      if (served) {
        this.access.hit(entry);
        return served;
      }
      await this.entries.forget(entry);
      entry = undefined;
    }
    if (repo.isLocal) throw new AapiError('AAPI_ERR_NOT_FOUND', `${repo.name}/${path}`);
    const checked = await this.documents.verdictFor(repo, path, verdict);
    return servedFromFlight(this.entries, await this.flights.join(repo, path, checked, entry));
  }

  /** The classification of a path as `get` would see it (canonical spelling, operator patterns applied). */
  classify(repo: RepoRuntime, requestPath: string): { path: string; verdict: Classification } {
    const path = repo.canonicalPath(requestPath);
    return { path, verdict: repo.classify(path) };
  }

  /** A stored document, fetched through the cache like any path but always read whole. */
  async document(repo: RepoRuntime, path: string, verdict: Classification): Promise<IndexDocument> {
    // Under the plugin's cacheKey, as `get` and the single flight key it: a document that shares
    // another path's entry is found there, not fetched again.
    const entry = await this.entries.lookup(repo.name, entryKey(path, verdict));
    if (entry && isFresh(repo, entry)) return { entry, cache: 'HIT', source: 'cache' };
    if (repo.isLocal) throw new AapiError('AAPI_ERR_NOT_FOUND', `${repo.name}/${path}`);
    const outcome = await this.flights.join(repo, path, verdict, entry);
    if (outcome.kind === 'entry') return outcome;
    return { entry: await outcome.stored, cache: 'MISS', source: 'remote', upstreamStatus: outcome.upstreamStatus };
  }

  /** The bytes of a stored entry, from memory when it is small and hot. */
  bytes(entry: CacheEntry): Promise<Buffer> {
    return this.entries.bytes(entry);
  }

  /** Stores an upload to a local repository under the key a GET of the same path reads. */
  put(repo: RepoRuntime, requestPath: string, body: Readable, options: PutOptions): Promise<CacheEntry> {
    return this.writes.put(repo, requestPath, body, options);
  }

  /** A publish that stores files and the index document the plugin's publish task makes of them. */
  publish(repo: RepoRuntime, request: PublishRequest): Promise<{ index: CacheEntry; files: CacheEntry[] }> {
    return this.publishes.publish(repo, request);
  }

  /** Removes a path of a local repository (any spelling a GET accepts); resolves to whether it existed. */
  delete(repo: RepoRuntime, requestPath: string): Promise<boolean> {
    return this.writes.delete(repo, requestPath);
  }

  /** A page of a repository's stored entries, in path order. */
  list(repo: RepoRuntime, options?: ListOptions): Promise<ListPage> {
    return this.admin.list(repo, options);
  }

  /** A page of a repository's stored entries with access counts, in any browsable order (management API). */
  browse(repo: RepoRuntime, options: BrowseOptions): Promise<BrowsePage> {
    return this.admin.browse(repo, options);
  }

  /** Drops a path, or every path under a prefix, so the next request goes upstream on every replica. */
  async evict(repo: RepoRuntime, target: { path: string } | { prefix: string }): Promise<number> {
    return 'path' in target ? this.admin.evictPath(repo, target.path) : this.admin.evictPrefix(repo, target.prefix);
  }
}

/** Where {@link Engine.hotAnswer} looks for a request path's entry ({@link Engine.hotLookup}). */
export interface HotLookup {
  /** The canonical path. */
  readonly path: string;
  /** The entry's key in the memory tier. */
  readonly hotKey: string;
  /** The plugin's verdict, when the path is an index document the plugin rewrites for each client. */
  readonly document: (Classification & { index: string }) | undefined;
}

/** An answer {@link Engine.hotAnswer} found in memory. */
export type HotAnswer =
  | { kind: 'artifact'; entry: CacheEntry; bytes: Buffer }
  | { kind: 'document'; facts: Omit<Served, 'open'>; body: Buffer };

/** The key a path's entry is stored and single-flighted under: the plugin's `cacheKey`, else the path. */
export function entryKey(path: string, verdict: Classification): string {
  return verdict.cacheKey ?? path;
}

/** An index document the plugin rewrites for each client, rather than an artifact served as stored. */
function isRewrittenIndex(repo: RepoRuntime, verdict: Classification): verdict is Classification & { index: string } {
  return verdict.index !== undefined && repo.plugin.rewriters[verdict.index] !== undefined;
}
