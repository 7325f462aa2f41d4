import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Readable } from 'node:stream';
import type { Classification, PluginLogger } from '@artifactapi/plugin-sdk';
import type { Coordinator, HeldLock } from '../coord/coordinator.js';
import { AapiError, isAapiError } from '../errors.js';
import type { CacheEntry, MetadataStore } from '../metadata/metadata-store.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { WorkerPool } from '../workers/index.js';
import { isUnreachable, type UpstreamClient, type UpstreamResponse } from '../upstream/index.js';
import { Flight, type FlightOutcome } from './flight.js';
import { HotCache } from './hot-cache.js';
import { IndexDocuments, type IndexDocument, type RequestView } from './index-documents.js';
import type { RenderedCacheStats } from './rendered-cache.js';
import type { RepoRuntime } from './repo-runtime.js';
import { etagOf, servedFacts, type CacheStatus, type Served } from './served.js';
import { servedContentType } from './content-type.js';
import { hashBlob } from './hash-blob.js';
import { storeDownload } from './upstream-fetch.js';

/** The engine logs through the same narrow interface plugins get. */
export type EngineLogger = PluginLogger;

export interface EngineDeps {
  blobs: BlobStore;
  meta: MetadataStore;
  coord: Coordinator;
  upstream: UpstreamClient;
  hot: HotCache;
  /** Runs plugin rewriters and inspectors off the event loop. */
  pool: WorkerPool;
  /** Local directory for spool files when the blob store has no local temp file. */
  spoolDir: string;
  log: EngineLogger;
  /** Defaults for the download limits a repository does not set itself (`upstream.*`). */
  limits?: { maxBodySize?: number; totalSeconds?: number };
}

const INVALIDATE_CHANNEL = 'aapi:invalidate';
/**
 * A fetch lock outlives a dead leader by this much before another replica may take over (its
 * followers wait that long); a live leader renews it every third of it.
 */
const FETCH_LOCK_TTL_MS = 15_000;
const MAX_LOCK_WAITS = 3;
const SUBSCRIBE_RETRY_MS = 5_000;

/**
 * The request pipeline of DESIGN §4: look up, serve hits from memory or the blob store, and
 * turn misses and expired entries into one shared upstream exchange per (repo, path).
 */
export class Engine {
  private readonly flights = new Map<string, Flight>();
  private readonly instanceId = randomUUID();
  private unsubscribe: (() => Promise<void>) | undefined;
  private retrySubscribe: NodeJS.Timeout | undefined;
  /** Aborts the upstream downloads still running at stop(); they are never committed. */
  private readonly stopping = new AbortController();

  private readonly documents: IndexDocuments;

  constructor(private readonly deps: EngineDeps) {
    setMaxListeners(0, this.stopping.signal); // one listener per download in flight
    this.documents = new IndexDocuments(deps.pool, this);
  }

  /**
   * Subscribes to invalidations from other replicas. While the coordinator is down the
   * subscription is retried in the background, so a replica starts during a Redis outage.
   */
  async start(): Promise<void> {
    const subscribe = () =>
      this.deps.coord.subscribe(
        INVALIDATE_CHANNEL,
        (message) => {
          const space = message.indexOf(' ');
          if (message.slice(0, space) !== this.instanceId) this.deps.hot.deleteEntry(message.slice(space + 1));
        },
        () => {
          // Invalidations sent while the subscription was down are lost: start the memory tier afresh.
          this.deps.hot.clear();
          this.deps.log.info({}, 'cache invalidations resumed; memory tier cleared');
        },
      );
    try {
      this.unsubscribe = await subscribe();
    } catch (err) {
      this.deps.log.warn({ err }, 'cannot subscribe to cache invalidations yet; retrying');
      this.retrySubscribe = setInterval(() => {
        subscribe().then(
          (unsubscribe) => {
            clearInterval(this.retrySubscribe);
            this.unsubscribe = unsubscribe;
            // Invalidations published while we were deaf are lost; start the memory tier afresh.
            this.deps.hot.clear();
            this.deps.log.info({}, 'subscribed to cache invalidations');
          },
          () => {},
        );
      }, SUBSCRIBE_RETRY_MS);
      this.retrySubscribe.unref();
    }
  }

  /** Stops listening for invalidations and abandons downloads in flight (the HTTP side has closed by now). */
  async stop(): Promise<void> {
    this.stopping.abort(new AapiError('AAPI_ERR_SHUTTING_DOWN', 'download abandoned'));
    clearInterval(this.retrySubscribe);
    await this.unsubscribe?.();
  }

  /** Bytes the rewritten-document cache holds (running renders included) against its bound. */
  renderedStats(): RenderedCacheStats {
    return this.documents.renderedStats();
  }

  /**
   * A fresh hit whose entry and bytes are both in memory, answered without awaiting anything; or
   * undefined when the request needs the full path of {@link get} (denied paths, index documents,
   * anything not in memory, expired entries). When a plugin hook throws, so does this; the caller
   * then falls back to {@link get}, which reports the error properly.
   */
  hotHit(repo: RepoRuntime, requestPath: string): { entry: CacheEntry; bytes: Buffer } | undefined {
    const path = repo.canonicalPath(requestPath);
    const verdict = repo.classify(path);
    if (verdict.cache === 'deny' || isRewrittenIndex(repo, verdict)) return undefined;
    const entry = this.deps.hot.getEntry(HotCache.key(repo.name, path));
    if (!entry || !isFresh(repo, entry)) return undefined;
    if (!entry.verified && this.documents.hasIndexCheck(repo, path)) return undefined;
    const bytes = this.deps.hot.getBlob(entry.digest);
    return bytes && { entry, bytes };
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
    const key = HotCache.key(repo.name, path);
    let entry = await this.lookup(key, repo.name, path);
    if (entry && isFresh(repo, entry) && !entry.verified && this.documents.hasIndexCheck(repo, path)) {
      entry = await this.recheck(repo, path, key, verdict, entry);
    }
    if (entry && isFresh(repo, entry)) {
      const served = await this.serveEntry(entry, 'HIT', 'cache');
      if (served) return served;
      await this.forget(key, entry);
      entry = undefined;
    }
    if (repo.isLocal) throw new AapiError('AAPI_ERR_NOT_FOUND', `${repo.name}/${path}`);
    const checked = await this.documents.verdictFor(repo, path, verdict);
    return this.outcomeToServed(await this.miss(repo, path, key, checked, entry));
  }

  /**
   * Checks bytes stored while their index could not be read, now that it may be: resolves to the
   * entry marked verified, to the entry as it was while the index is still unreadable, or to
   * undefined when the bytes differ from the index's digest and were evicted.
   */
  private async recheck(repo: RepoRuntime, path: string, key: string, verdict: Classification, entry: CacheEntry): Promise<CacheEntry | undefined> {
    const checked = await this.documents.verdictFor(repo, path, verdict);
    if (checked.indexUnavailable) return entry;
    const expected = checked.expectedDigest;
    if (expected) {
      let actual: string;
      try {
        actual = expected.algorithm === 'sha256' ? entry.digest : await hashBlob(this.deps.blobs, entry.digest, expected.algorithm);
      } catch (err) {
        if (isMissing(err)) return entry; // serveEntry finds it gone and forgets it
        throw backendError('AAPI_ERR_STORAGE_UNAVAILABLE', err);
      }
      if (actual !== expected.hex.toLowerCase()) {
        this.deps.log.warn({ repo: repo.name, path, expected: `${expected.algorithm}:${expected.hex}`, actual }, 'cached bytes do not match their index; evicted');
        await this.forget(key, entry);
        return undefined;
      }
    }
    const verified: CacheEntry = { ...entry, verified: true };
    await this.record(verified).catch((err: unknown) => this.deps.log.warn({ err, repo: repo.name, path }, 'checked bytes could not be marked verified'));
    return verified;
  }

  /** A stored document, fetched through the cache like any path but always read whole. */
  async document(repo: RepoRuntime, path: string, verdict: Classification): Promise<IndexDocument> {
    const key = HotCache.key(repo.name, path);
    const entry = await this.lookup(key, repo.name, path);
    if (entry && isFresh(repo, entry)) return { entry, cache: 'HIT', source: 'cache' };
    if (repo.isLocal) throw new AapiError('AAPI_ERR_NOT_FOUND', `${repo.name}/${path}`);
    const outcome = await this.miss(repo, path, key, verdict, entry);
    if (outcome.kind === 'entry') return outcome;
    return { entry: await outcome.stored, cache: 'MISS', source: 'remote', upstreamStatus: outcome.upstreamStatus };
  }

  /** The bytes of a stored entry, from memory when it is small and hot. */
  async bytes(entry: CacheEntry): Promise<Buffer> {
    const hot = this.deps.hot.getBlob(entry.digest);
    if (hot) return hot;
    try {
      const bytes = await this.deps.blobs.readAll(entry.digest);
      this.deps.hot.offerBlob(entry.digest, bytes);
      return bytes;
    } catch (err) {
      throw backendError('AAPI_ERR_STORAGE_UNAVAILABLE', err);
    }
  }

  /**
   * Stores an upload to a local repository under the key a GET of the same path reads;
   * `sha256` (hex) is checked against the bytes. A path the repository would deny is refused
   * rather than stored unreadable.
   */
  async put(repo: RepoRuntime, requestPath: string, body: Readable, options: { sha256?: string; contentType?: string; length?: number }): Promise<CacheEntry> {
    const path = repo.canonicalPath(requestPath);
    const denied = repo.classify(path);
    if (denied.cache === 'deny') throw new AapiError('AAPI_ERR_PATH_DENIED', `${path} (${denied.reason ?? 'denied'})`);
    const verdict: Classification = {
      cache: 'immutable',
      expectedDigest: options.sha256 ? { algorithm: 'sha256', hex: options.sha256.toLowerCase() } : undefined,
    };
    const upload: UpstreamResponse = {
      status: 200,
      url: '',
      body,
      headers: {
        'content-type': options.contentType ?? 'application/octet-stream',
        ...(options.length !== undefined ? { 'content-length': String(options.length) } : {}),
      },
    };
    let entry: CacheEntry;
    try {
      const download = await storeDownload(this.deps, repo, path, verdict, upload);
      entry = { ...(await download.stored), upstreamEtag: null, upstreamLastModified: null };
    } catch (err) {
      throw uploadError(err);
    }
    await this.record(entry);
    return entry;
  }

  /** Removes a path of a local repository (any spelling a GET accepts); resolves to whether it existed. */
  async delete(repo: RepoRuntime, requestPath: string): Promise<boolean> {
    const path = repo.canonicalPath(requestPath);
    const key = HotCache.key(repo.name, path);
    const entry = await this.lookup(key, repo.name, path);
    if (!entry) return false;
    await this.forget(key, entry);
    return true;
  }

  private async lookup(key: string, repo: string, path: string): Promise<CacheEntry | undefined> {
    const hot = this.deps.hot.getEntry(key);
    if (hot) return hot;
    let entry: CacheEntry | undefined;
    try {
      entry = await this.deps.meta.get(repo, path);
    } catch (err) {
      throw backendError('AAPI_ERR_METADATA_UNAVAILABLE', err);
    }
    if (entry) this.deps.hot.setEntry(entry);
    return entry;
  }

  /** Serves a stored entry, or undefined when its blob has gone missing. */
  private async serveEntry(entry: CacheEntry, cache: CacheStatus, source: 'cache' | 'remote', upstreamStatus?: number): Promise<Served | undefined> {
    const { hot, blobs } = this.deps;
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

  /** Joins the flight for `key`, starting it if there is none. */
  private async miss(repo: RepoRuntime, path: string, key: string, verdict: Classification, stale: CacheEntry | undefined): Promise<FlightOutcome> {
    let flight = this.flights.get(key);
    if (!flight) {
      const started = new Flight();
      flight = started;
      this.flights.set(key, started);
      this.fly(started, repo, path, key, verdict, stale)
        .catch((err: unknown) => started.reject(err))
        .finally(() => {
          if (this.flights.get(key) === started) this.flights.delete(key);
        });
    }
    return flight.ready;
  }

  private async outcomeToServed(outcome: FlightOutcome): Promise<Served> {
    if (outcome.kind === 'entry') {
      const served = await this.serveEntry(outcome.entry, outcome.cache, outcome.source, outcome.upstreamStatus);
      if (!served) throw new AapiError('AAPI_ERR_STORAGE_UNAVAILABLE', 'stored blob disappeared');
      return served;
    }
    const { body } = outcome;
    body.retain();
    let held = true;
    const drop = () => {
      if (held) body.release();
      held = false;
    };
    return {
      cache: 'MISS',
      source: 'remote',
      upstreamStatus: outcome.upstreamStatus,
      size: body.declaredSize,
      contentType: outcome.contentType,
      lastModified: outcome.lastModified,
      etag: outcome.etag,
      open: async (range) => {
        const reader = body.createReader(range);
        drop();
        return reader;
      },
      discard: drop,
    };
  }

  /** Runs one shared upstream exchange; settles `flight.ready` as early as possible. */
  private async fly(flight: Flight, repo: RepoRuntime, path: string, key: string, verdict: Classification, stale: CacheEntry | undefined): Promise<void> {
    if (!stale && (await this.isNegative(key))) throw new AapiError('AAPI_ERR_NOT_FOUND', `${repo.name}/${path}`);
    let lock: HeldLock | undefined;
    for (let attempt = 0; ; attempt++) {
      const got = await this.tryLock(key);
      if (got === 'unavailable') break;
      if (got !== 'busy') {
        lock = got;
        break;
      }
      // Another replica is fetching: wait for it, then serve what it stored.
      if (!(await this.waitForOtherReplica(key))) break;
      const fresh = await this.deps.meta.get(repo.name, path).catch(() => undefined);
      if (fresh && fresh.storedAt > (stale?.storedAt ?? 0)) {
        this.deps.hot.setEntry(fresh);
        return flight.resolve({ kind: 'entry', entry: fresh, cache: 'HIT', source: 'cache' });
      }
      if (attempt >= MAX_LOCK_WAITS) break;
    }
    try {
      await this.exchange(flight, repo, path, key, verdict, stale);
    } finally {
      await lock?.release().catch((err: unknown) => this.deps.log.warn({ err, key }, 'releasing a fetch lock failed'));
    }
  }

  private async exchange(flight: Flight, repo: RepoRuntime, path: string, key: string, verdict: Classification, stale: CacheEntry | undefined): Promise<void> {
    const url = repo.upstreamUrl(path);
    const headers: Record<string, string> = { ...repo.upstreamHeaders(path), 'accept-encoding': 'identity' };
    if (stale && repo.config.check_mutable_updates) {
      if (stale.upstreamEtag) headers['if-none-match'] = stale.upstreamEtag;
      if (stale.upstreamLastModified) headers['if-modified-since'] = stale.upstreamLastModified;
    }
    const { username, password } = repo.config;
    let res: UpstreamResponse;
    try {
      res = await this.deps.upstream.request(url, {
        headers,
        credentials: username !== undefined ? { username, password: password ?? '' } : undefined,
        timeouts: repo.config.timeouts,
        redirectHosts: repo.redirectHosts,
        signal: this.stopping.signal,
      });
    } catch (err) {
      if (stale && isUnreachable(err)) return flight.resolve(await this.staleOutcome(repo, stale, undefined));
      throw err;
    }
    const status = res.status;
    if (status !== 200) res.body.resume();
    if (status === 304 && stale) {
      const entry = await this.refreshExpiry(repo, stale);
      return flight.resolve({ kind: 'entry', entry, cache: 'REVALIDATED', source: 'cache', upstreamStatus: status });
    }
    if (status === 404 || status === 410) {
      if (stale) await this.forget(key, stale);
      await this.rememberMissing(repo, key);
      throw new AapiError('AAPI_ERR_NOT_FOUND', `${repo.name}/${path} (upstream answered ${status})`, { upstreamStatus: status });
    }
    if (status !== 200) {
      if (stale && (status === 429 || status >= 500) && repo.config.stale_if_error === 'any') {
        return flight.resolve(await this.staleOutcome(repo, stale, status));
      }
      throw new AapiError('AAPI_ERR_UPSTREAM_FAILED', `upstream answered ${status} for ${repo.name}/${path}`, { upstreamStatus: status });
    }
    const download = await storeDownload(this.deps, repo, path, verdict, res, {
      // Bytes already verified are still worth serving when the entry cannot be recorded.
      publish: (entry) =>
        this.record(entry).catch((err: unknown) => this.deps.log.warn({ err, repo: repo.name, path }, 'download served but not recorded')),
      maxBytes: repo.config.max_body_size ?? this.deps.limits?.maxBodySize ?? 0,
      totalMs: (repo.config.timeouts?.total ?? this.deps.limits?.totalSeconds ?? 0) * 1000,
    });
    // Followers may join until the flight leaves the map; keep the body readable until then.
    download.body.retain();
    flight.resolve({
      kind: 'download',
      body: download.body,
      stored: download.stored,
      upstreamStatus: status,
      contentType: servedContentType(res.headers['content-type'], verdict.contentType),
      lastModified: res.headers['last-modified'],
      // A body that turns out not to match is cut, so announcing the expected digest is safe.
      etag: verdict.expectedDigest?.algorithm === 'sha256' ? etagOf(verdict.expectedDigest.hex) : undefined,
    });
    try {
      await download.stored;
    } catch (err) {
      if (isUnreachable(err) || (isAapiError(err) && err.code === 'AAPI_ERR_UPSTREAM_FAILED')) this.deps.upstream.reportFailure(url);
      this.deps.log.warn({ err, repo: repo.name, path }, 'download not stored');
    } finally {
      if (this.flights.get(key) === flight) this.flights.delete(key);
      download.body.release();
    }
  }

  private async staleOutcome(repo: RepoRuntime, stale: CacheEntry, upstreamStatus: number | undefined): Promise<FlightOutcome> {
    const entry = await this.refreshExpiry(repo, stale);
    return { kind: 'entry', entry, cache: 'STALE', source: 'cache', upstreamStatus };
  }

  private async refreshExpiry(repo: RepoRuntime, entry: CacheEntry): Promise<CacheEntry> {
    const refreshed = { ...entry, expiresAt: repo.expiryFor(entry.mutable, Date.now()) };
    this.deps.hot.setEntry(refreshed);
    const persisted = await this.deps.meta.setExpiry(entry.repo, entry.path, refreshed.expiresAt).then(
      () => true,
      (err: unknown) => {
        this.deps.log.warn({ err, repo: entry.repo, path: entry.path }, 'could not persist a refreshed expiry');
        return false;
      },
    );
    // Other replicas may hold the expired entry in memory: make them read the refreshed row.
    if (persisted) await this.invalidateOthers(HotCache.key(entry.repo, entry.path));
    return refreshed;
  }

  /** Makes a stored entry visible: metadata row, memory tier, other replicas. */
  private async record(entry: CacheEntry): Promise<void> {
    try {
      await this.deps.meta.put(entry);
    } catch (err) {
      throw backendError('AAPI_ERR_METADATA_UNAVAILABLE', err);
    }
    this.deps.hot.setEntry(entry);
    await this.invalidateOthers(HotCache.key(entry.repo, entry.path));
  }

  /** Drops an entry everywhere and deletes its blob when nothing else refers to it. */
  private async forget(key: string, entry: CacheEntry): Promise<void> {
    this.deps.hot.deleteEntry(key);
    try {
      await this.deps.meta.delete(entry.repo, entry.path);
    } catch (err) {
      throw backendError('AAPI_ERR_METADATA_UNAVAILABLE', err);
    }
    await this.invalidateOthers(key);
    const refs = await this.deps.meta.countDigestRefs(entry.digest).catch(() => 1);
    if (refs === 0) await this.deps.blobs.delete(entry.digest).catch(() => {});
  }

  private async invalidateOthers(key: string): Promise<void> {
    await this.deps.coord
      .publish(INVALIDATE_CHANNEL, `${this.instanceId} ${key}`)
      .catch((err: unknown) => this.deps.log.warn({ err }, 'could not publish a cache invalidation'));
  }

  /**
   * The cross-replica fetch lock. Without coordination (backend down) each process still fetches
   * once per key through `flights`, so the request goes on instead of failing.
   */
  private async tryLock(key: string): Promise<HeldLock | 'busy' | 'unavailable'> {
    try {
      return (await this.deps.coord.tryLock(`fetch:${key}`, FETCH_LOCK_TTL_MS)) ?? 'busy';
    } catch (err) {
      this.deps.log.warn({ err }, 'coordinator unavailable; single flight is per process');
      return 'unavailable';
    }
  }

  /** Resolves to false when the coordinator fails while waiting, so the caller fetches alone. */
  private async waitForOtherReplica(key: string): Promise<boolean> {
    try {
      await this.deps.coord.waitUnlocked(`fetch:${key}`);
      return true;
    } catch (err) {
      this.deps.log.warn({ err }, 'coordinator failed while waiting for another replica; fetching here');
      return false;
    }
  }

  private async isNegative(key: string): Promise<boolean> {
    return (await this.deps.coord.getTtl(`missing:${key}`).catch(() => undefined)) !== undefined;
  }

  private async rememberMissing(repo: RepoRuntime, key: string): Promise<void> {
    const ttl = repo.config.cache.negative_ttl;
    if (ttl > 0) await this.deps.coord.setTtl(`missing:${key}`, '1', ttl * 1000).catch(() => {});
  }
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

function backendError(code: 'AAPI_ERR_METADATA_UNAVAILABLE' | 'AAPI_ERR_STORAGE_UNAVAILABLE', err: unknown): AapiError {
  if (isAapiError(err)) return err;
  return new AapiError(code, (err as Error).message, { cause: err });
}

function uploadError(err: unknown): unknown {
  if (!isAapiError(err)) return err;
  if (err.code === 'AAPI_ERR_UPSTREAM_DIGEST') return new AapiError('AAPI_ERR_CHECKSUM_MISMATCH', err.message.replace(/^.*?: /, ''));
  if (err.code === 'AAPI_ERR_UPSTREAM_FAILED') return new AapiError('AAPI_ERR_REQUEST_INVALID', err.message.replace(/^.*?: /, 'upload '));
  return err;
}

/** An index document the plugin rewrites for each client, rather than an artifact served as stored. */
function isRewrittenIndex(repo: RepoRuntime, verdict: Classification): verdict is Classification & { index: string } {
  return verdict.index !== undefined && repo.plugin.rewriters[verdict.index] !== undefined;
}

/** Local entries never expire; remote ones until their `expiresAt` (null: forever). */
function isFresh(repo: RepoRuntime, entry: CacheEntry): boolean {
  return repo.isLocal || entry.expiresAt === null || entry.expiresAt > Date.now();
}

function servedFromMemory(base: Omit<Served, 'open'>, bytes: Buffer): Served {
  return { ...base, open: async (range) => (range ? bytes.subarray(range.start, range.end + 1) : bytes) };
}
