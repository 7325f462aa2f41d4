import type { Classification, PluginLogger } from '@artifactapi/plugin-sdk';
import { AapiError, isAapiError } from '../errors.js';
import type { CacheEntry } from '../metadata/metadata-store.js';
import type { BlobStore } from '../storage/blob-store.js';
import { isUnreachable, type UpstreamClient, type UpstreamResponse } from '../upstream/index.js';
import type { EntryStore } from './entry-store.js';
import type { FetchLock } from './fetch-lock.js';
import type { Flight, FlightOutcome } from './flight.js';
import { HotCache } from './hot-cache.js';
import type { RepoRuntime } from './repo-runtime.js';
import { servedContentType } from './content-type.js';
import { etagOf } from './served.js';
import { discardSink, openSink, storeDownload, type DownloadSink } from './upstream-fetch.js';
import type { UpstreamTokens } from './upstream-tokens.js';
import type { WorkerPool } from '../workers/index.js';

export interface UpstreamExchangeDeps {
  blobs: BlobStore;
  spoolDir: string;
  upstream: UpstreamClient;
  entries: EntryStore;
  lock: FetchLock;
  tokens: UpstreamTokens;
  log: PluginLogger;
  /** Defaults for the download limits a repository does not set itself (`upstream.*`). */
  limits?: { maxBodySize?: number; totalSeconds?: number };
  /** Aborts the downloads still running at stop(); they are never committed. */
  stopping: AbortSignal;
  /** Stores the files a new copy of a `snapshot` document names before the copy is recorded (IndexDocuments.completeSnapshot). */
  completeSnapshot: (repo: RepoRuntime, path: string, verdict: Classification, entry: CacheEntry) => Promise<void>;
  /** Runs plugin verifiers over downloads before they are committed. */
  pool?: WorkerPool;
}

/**
 * The upstream half of a flight: the request (conditional when there is a stale copy, with the
 * plugin's upstream token), and what its answer means: 304 revalidates, an unreachable upstream
 * or a 429/5xx serves the stale copy, 404 forgets it, 200 is stored while it streams.
 */
export class UpstreamExchange {
  constructor(private readonly deps: UpstreamExchangeDeps) {}

  readonly run = async (flight: Flight, repo: RepoRuntime, path: string, verdict: Classification, stale: CacheEntry | undefined): Promise<void> => {
    if (!stale && (await this.reuseStored(flight, repo, path, verdict))) return;
    // A cold miss is nearly always a body to store: its file opens while the upstream answers, so
    // opening it (a temporary object on S3) is not in front of the first byte.
    const sink = stale ? undefined : openSink(this.deps);
    sink?.catch(() => {}); // storeDownload reports it
    const handed = { sink };
    try {
      await this.exchange(flight, repo, path, verdict, stale, handed);
    } finally {
      if (handed.sink) void handed.sink.then(discardSink, () => {});
    }
  };

  /** `run` once the stored bytes are ruled out; takes `handed.sink` over when it stores a body. */
  private async exchange(
    flight: Flight,
    repo: RepoRuntime,
    path: string,
    verdict: Classification,
    stale: CacheEntry | undefined,
    handed: { sink: Promise<DownloadSink> | undefined },
  ): Promise<void> {
    const { deps } = this;
    const url = repo.upstreamUrl(path);
    const headers: Record<string, string> = { ...repo.upstreamHeaders(path), 'accept-encoding': 'identity' };
    if (stale && repo.config.check_mutable_updates && verdict.revalidate?.method === 'HEAD') {
      const kept = await this.revalidateWithHead(flight, repo, path, url, headers, verdict.revalidate.digestHeader, stale);
      if (kept) return;
    } else if (stale && repo.config.check_mutable_updates) {
      if (stale.upstreamEtag) headers['if-none-match'] = stale.upstreamEtag;
      if (stale.upstreamLastModified) headers['if-modified-since'] = stale.upstreamLastModified;
    }
    let res: UpstreamResponse;
    try {
      res = await this.request(repo, path, url, headers);
    } catch (err) {
      if (stale && isUnreachable(err)) return flight.resolve(await this.staleOutcome(repo, stale, undefined));
      throw err;
    }
    const status = res.status;
    if (status !== 200) res.body.resume();
    if (status === 304 && stale) {
      const entry = await deps.entries.refreshExpiry(repo, stale);
      return flight.resolve({ kind: 'entry', entry, cache: 'REVALIDATED', source: 'cache', upstreamStatus: status });
    }
    if (status === 404 || status === 410) {
      if (stale) await deps.entries.forget(stale);
      await deps.lock.rememberMissing(HotCache.key(repo.name, verdict.cacheKey ?? path), repo.config.cache.negative_ttl, status);
      throw upstreamMissing(status, `${repo.name}/${path} (upstream answered ${status})`);
    }
    if (status !== 200) {
      if (stale && (status === 429 || status >= 500) && repo.config.stale_if_error === 'any') {
        return flight.resolve(await this.staleOutcome(repo, stale, status));
      }
      throw new AapiError('AAPI_ERR_UPSTREAM_FAILED', `upstream answered ${status} for ${repo.name}/${path}`, { upstreamStatus: status });
    }
    const sink = handed.sink;
    handed.sink = undefined;
    if (verdict.snapshot) return this.storeSnapshot(flight, repo, path, verdict, res, stale, sink);
    await this.store(flight, repo, path, verdict, res, url, sink);
  }

  /**
   * `sharedByDigest`: bytes the path's sha256 names that are already stored (for any repository)
   * become this path's entry with no upstream request; true when the flight is settled.
   */
  private async reuseStored(flight: Flight, repo: RepoRuntime, path: string, verdict: Classification): Promise<boolean> {
    const expected = verdict.expectedDigest;
    if (!verdict.sharedByDigest || expected?.algorithm !== 'sha256') return false;
    const digest = expected.hex.toLowerCase();
    const stat = await this.deps.blobs.stat(digest).catch(() => undefined);
    if (!stat) return false;
    const now = Date.now();
    const mutable = verdict.cache === 'mutable';
    const entry: CacheEntry = {
      repo: repo.name,
      path: verdict.cacheKey ?? path,
      digest,
      size: stat.size,
      contentType: servedContentType(undefined, verdict.contentType),
      upstreamEtag: null,
      upstreamLastModified: null,
      storedAt: now,
      expiresAt: repo.expiryFor(mutable, now),
      mutable,
      verified: true,
    };
    await this.deps.entries.record(entry);
    flight.resolve({ kind: 'entry', entry, cache: 'HIT', source: 'cache' });
    return true;
  }

  /**
   * The plugin's HEAD revalidation: an unchanged digest keeps the stale copy (no GET), an
   * unreachable upstream or a 429/5xx serves it stale, a 404 forgets it; true when the flight is
   * settled. Anything else (a changed or missing digest) leaves the GET to the caller.
   */
  private async revalidateWithHead(
    flight: Flight,
    repo: RepoRuntime,
    path: string,
    url: string,
    headers: Record<string, string>,
    digestHeader: string,
    stale: CacheEntry,
  ): Promise<boolean> {
    let res: UpstreamResponse;
    try {
      res = await this.request(repo, path, url, headers, 'HEAD');
    } catch (err) {
      if (!isUnreachable(err)) throw err;
      flight.resolve(await this.staleOutcome(repo, stale, undefined));
      return true;
    }
    res.body.resume();
    const status = res.status;
    if (status === 200 && res.headers[digestHeader.toLowerCase()]?.trim().toLowerCase() === `sha256:${stale.digest}`) {
      const entry = await this.deps.entries.refreshExpiry(repo, stale);
      flight.resolve({ kind: 'entry', entry, cache: 'REVALIDATED', source: 'cache', upstreamStatus: status });
      return true;
    }
    if ((status === 429 || status >= 500) && repo.config.stale_if_error === 'any') {
      flight.resolve(await this.staleOutcome(repo, stale, status));
      return true;
    }
    return false;
  }

  /**
   * Sends the request with the cached upstream token for the path's scope, if any. A 401 with a
   * challenge the plugin answers is retried once with a fresh token.
   */
  private async request(repo: RepoRuntime, path: string, url: string, headers: Record<string, string>, method: 'GET' | 'HEAD' = 'GET'): Promise<UpstreamResponse> {
    const { upstream, tokens, stopping } = this.deps;
    const { username, password } = repo.config;
    const send = (authorization: string | undefined) =>
      upstream.request(url, {
        method,
        headers: authorization ? { ...headers, authorization } : headers,
        credentials: username !== undefined ? { username, password: password ?? '' } : undefined,
        timeouts: repo.config.timeouts,
        redirectHosts: repo.redirectHosts,
        signal: stopping,
      });
    const cached = await tokens.cached(repo, path);
    const res = await send(cached);
    if (res.status !== 401 || !res.headers['www-authenticate']) return res;
    const fresh = await tokens.obtain(repo, path, res, stopping);
    if (fresh === undefined) return res;
    res.body.resume();
    const retried = await send(fresh);
    // A fresh token refused: nobody should use it again.
    if (retried.status === 401) await tokens.forget(repo, path);
    return retried;
  }

  private async store(
    flight: Flight,
    repo: RepoRuntime,
    path: string,
    verdict: Classification,
    res: UpstreamResponse,
    url: string,
    sink: Promise<DownloadSink> | undefined,
  ): Promise<void> {
    const { deps } = this;
    const download = await storeDownload(deps, repo, path, verdict, res, {
      sink,
      // Bytes already verified are still worth serving when the entry cannot be recorded.
      publish: (entry) => deps.entries.record(entry).catch((err: unknown) => deps.log.warn({ err, repo: repo.name, path }, 'download served but not recorded')),
      maxBytes: repo.config.max_body_size ?? deps.limits?.maxBodySize ?? 0,
      totalMs: (repo.config.timeouts?.total ?? deps.limits?.totalSeconds ?? 0) * 1000,
    });
    // Followers may join until the flight leaves the map; keep the body readable until then.
    download.body.retain();
    flight.resolve({
      kind: 'download',
      body: download.body,
      stored: download.stored,
      upstreamStatus: res.status,
      contentType: servedContentType(res.headers['content-type'], verdict.contentType),
      lastModified: res.headers['last-modified'],
      // A body that turns out not to match is cut, so announcing the expected digest is safe.
      etag: verdict.expectedDigest?.algorithm === 'sha256' ? etagOf(verdict.expectedDigest.hex) : undefined,
    });
    try {
      await download.stored;
    } catch (err) {
      if (isUnreachable(err) || (isAapiError(err) && err.code === 'AAPI_ERR_UPSTREAM_FAILED')) deps.upstream.reportFailure(url);
      deps.log.warn({ err, repo: repo.name, path }, 'download not stored');
    } finally {
      flight.leave();
      download.body.release();
    }
  }

  /**
   * A `snapshot` document is downloaded whole and recorded only once the files it names are
   * stored (Classification.snapshot). With a previous copy, clients get that one at once (it is
   * complete) while the new one is completed, and the new one serves from the next request on;
   * when the upstream cannot deliver its files the previous one simply stays. Without one, clients
   * wait for the new copy, or get its AAPI_ERR_SNAPSHOT_INCOMPLETE.
   */
  private async storeSnapshot(
    flight: Flight,
    repo: RepoRuntime,
    path: string,
    verdict: Classification,
    res: UpstreamResponse,
    stale: CacheEntry | undefined,
    sink: Promise<DownloadSink> | undefined,
  ): Promise<void> {
    const { deps } = this;
    // First, so the refreshed expiry of the previous copy never overwrites the new one's entry.
    if (stale) flight.resolve(await this.staleOutcome(repo, stale, res.status));
    let entry: CacheEntry;
    try {
      const download = await storeDownload(deps, repo, path, verdict, res, {
        sink,
        publish: async (stored) => {
          await deps.completeSnapshot(repo, path, verdict, stored);
          await deps.entries.record(stored).catch((err: unknown) => deps.log.warn({ err, repo: repo.name, path }, 'snapshot served but not recorded'));
        },
        maxBytes: repo.config.max_body_size ?? deps.limits?.maxBodySize ?? 0,
        totalMs: (repo.config.timeouts?.total ?? deps.limits?.totalSeconds ?? 0) * 1000,
      });
      entry = await download.stored;
    } catch (err) {
      if (!stale) throw err;
      deps.log.warn({ err, repo: repo.name, path }, 'new snapshot not stored; the previous one keeps serving');
      return;
    }
    if (!stale) flight.resolve({ kind: 'entry', entry, cache: 'MISS', source: 'remote', upstreamStatus: res.status });
  }

  private async staleOutcome(repo: RepoRuntime, stale: CacheEntry, upstreamStatus: number | undefined): Promise<FlightOutcome> {
    const entry = await this.deps.entries.refreshExpiry(repo, stale);
    return { kind: 'entry', entry, cache: 'STALE', source: 'cache', upstreamStatus };
  }
}

/**
 * An upstream 404 or 410, kept apart: clients such as go treat 410 ("removed for good") as a
 * reason to fall through to the next proxy, like 404, and some tell the two apart in messages.
 */
export function upstreamMissing(status: 404 | 410, what: string): AapiError {
  return new AapiError(status === 410 ? 'AAPI_ERR_GONE' : 'AAPI_ERR_NOT_FOUND', what, { upstreamStatus: status });
}
