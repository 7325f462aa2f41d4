import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { FastifyBaseLogger } from 'fastify';
import type { HotRead, HotReadRepositories, HotReads } from '@artifactapi/plugin-sdk';
import { servedFacts, type HotLookup, type RepoRuntime, type RequestView, type Served } from '../engine/index.js';
import type { CacheEntry } from '../metadata/index.js';
import { artifactHeaders } from './artifact-headers.js';
import type { ClaimedUrls } from './claimed-urls.js';
import { serveDirect, type DirectDeps, type FastifyHandler } from './direct-get.js';
import { publicBaseVary, rawPublicBase } from './public-base.js';
import { fileNameOf, REPOSITORY_PREFIX as PREFIX, splitRepoUrl } from './repo-path.js';
import { repositoryRef } from './repository-ref.js';
import type { PreparedLine, RequestLog } from './request-log.js';
import type { ServerContext } from './server-context.js';

/** Requests with these headers need the full pipeline's conditional and Range handling. */
const NEEDS_PIPELINE = new Set(['range', 'if-range', 'if-none-match', 'if-modified-since']);

/**
 * Whether a request has a header of NEEDS_PIPELINE. Read from the raw names: `req.headers` is
 * built on first use, an object per request that a hot hit otherwise never needs.
 */
function needsPipeline(rawHeaders: readonly string[]): boolean {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const length = rawHeaders[i]!.length;
    if ((length === 5 || length === 8 || length === 13 || length === 17) && NEEDS_PIPELINE.has(rawHeaders[i]!.toLowerCase())) return true;
  }
  return false;
}

/** A plugin's `hotReads`, with the package type whose repositories they may read. */
interface PluginReads extends HotReads {
  type: string;
}

/** What a request reads: a repository path, and for a plugin's read the headers its route adds. */
interface HotTarget {
  repo: string;
  path: string;
  read?: HotRead;
  /** For a plugin's read, the package type the repository must be of. */
  type?: string;
}

/** A hit found in memory, for its caller to write and then {@link HotPath.record}. */
export interface HotHit {
  /** Response headers, flat [name, value, …] as `writeHead` takes them, content-length included. */
  readonly raw: string[];
  /** The body a GET sends (a HEAD sends none). */
  readonly body: Buffer;
  readonly head: boolean;
  readonly url: string;
  readonly route: HotRoute;
  /** performance.now() when the request was taken up, for its log line. */
  readonly started: number;
}

/** What a URL reads and where its entry is, kept across requests by URL ({@link HotPath}). */
interface HotRoute {
  /** The repository the route was worked out for. */
  repo: RepoRuntime;
  target: HotTarget;
  lookup: HotLookup;
  /** Request lines prepared for GET and HEAD hits (`sent` is the body size they were prepared for). */
  lines: { GET?: PreparedLine; HEAD?: PreparedLine };
}

/** A rendered document's response headers, with the facts they were built from. */
interface DocumentHeaders extends Pick<Served, 'contentType' | 'etag' | 'lastModified' | 'vary' | 'cache' | 'source'> {
  raw: string[];
}

/** URLs whose routes are kept, the oldest dropped first: a few hundred bytes each. */
const ROUTES_KEPT = 4096;

/** A hit's response headers, kept with the entry they were built from and checked against it on use. */
interface HotHeaders {
  path: string;
  /** The plugin route's own headers the response was built with. */
  read: Readonly<Record<string, string>> | undefined;
  digest: string;
  contentType: string;
  lastModified: string | null;
  storedAt: number;
  length: number;
  /** Flat [name, value, …] as `writeHead` takes them, content-length included. */
  raw: string[];
}

/**
 * Answers plain GET and HEAD hits whose entry and bytes (or, for an index document, its rendering
 * for this client) are in memory straight from node:http, on the repository URLs and on the reads
 * plugins declare as one stored artifact (`hotReads`: docker blob pulls),
 * ahead of fastify's routing, hooks and reply machinery, which cost about as much as the rest of a
 * 4 KiB hit (bench/README.md). The response, log line and metrics are those the repository route
 * would produce; everything else (misses, ranges, conditionals, errors, documents still to render) returns
 * false and goes through fastify.
 */
export class HotPath {
  #open = true;
  #served = 0;
  #directCount = 0;
  // Built once per entry: the date formatting, Content-Disposition and header object of a hit
  // were a tenth of its JavaScript time (bench/README.md, issue 11). Weak: entries leave with the cache.
  readonly #headers = new WeakMap<CacheEntry, HotHeaders>();
  readonly #routes = new Map<string, HotRoute>();
  // By rendered body: a rendering leaves with the rendered-document cache.
  readonly #documents = new WeakMap<Buffer, DocumentHeaders>();
  readonly #pluginReads: PluginReads[];
  readonly #repositories: HotReadRepositories;
  readonly #directDeps: DirectDeps;

  constructor(
    private readonly ctx: ServerContext,
    private readonly log: FastifyBaseLogger,
    private readonly requestLog: RequestLog,
    /** Repository URLs plugin routes answer, filled as they are mounted (after this is built). */
    private readonly claimed: ClaimedUrls,
  ) {
    this.#pluginReads = ctx.plugins.list().flatMap(({ type, plugin }) => (plugin.hotReads ? [{ ...plugin.hotReads, type }] : []));
    this.#repositories = { resolve: (name) => repositoryRef(ctx, name) };
    this.#directDeps = { ctx, log, requestLog };
  }

  /** From now on every request goes through fastify, which answers 503 while closing. */
  close(): void {
    this.#open = false;
  }

  /**
   * Answers the request when it is a hot hit, or takes it over when it is a plain read of a
   * repository URL that must wait for the disk or the upstream (serveDirect); false when fastify
   * must handle it. `fastify` answers what serveDirect hands back.
   */
  handle(req: IncomingMessage, res: ServerResponse, fastify: FastifyHandler): boolean {
    const url = req.url ?? '';
    const head = req.method === 'HEAD';
    if (!this.#open || !(head || req.method === 'GET')) return false;
    const core = url.startsWith(PREFIX);
    if (!core && this.#pluginReads.length === 0) return false;
    if (needsPipeline(req.rawHeaders)) return false;
    // req.headers is built on first use: only a document's view asks for it.
    const found = this.#find(url, core, head, () => req.headers as Record<string, string | undefined>, isEncrypted(req));
    if (!found) return false;
    if (!('raw' in found)) return core && this.#direct(req, res, found, fastify);
    res.writeHead(200, found.raw);
    res.end(head ? undefined : found.body);
    this.record(found);
    return true;
  }

  /**
   * The hot hit for a plain GET or HEAD read off a socket by the fast lane (fast-lane.ts), which
   * has already turned away the heads `handle` leaves to fastify (NEEDS_PIPELINE and the like);
   * `headers` gives them lower-cased, or undefined when only node:http can tell. Undefined when it
   * is not one: the lane hands the request to node:http, whose `handle` then looks again.
   */
  hit(method: 'GET' | 'HEAD', url: string, headers: () => Record<string, string> | undefined, encrypted: boolean): HotHit | undefined {
    if (!this.#open) return undefined;
    const core = url.startsWith(PREFIX);
    if (!core && this.#pluginReads.length === 0) return undefined;
    const found = this.#find(url, core, method === 'HEAD', headers, encrypted);
    return found && 'raw' in found ? found : undefined;
  }

  /** Logs and counts a hit once its response is written; `by` names the writer in the request id. */
  record(hit: HotHit, by: 'hot' | 'hot-lane' = 'hot'): void {
    const bytes = hit.head ? 0 : hit.body.byteLength;
    const line = this.#lineOf(hit.route, hit.head ? 'HEAD' : 'GET', hit.url, bytes);
    this.requestLog.recordPrepared(this.log, line, performance.now() - hit.started, `${by}-${++this.#served}`);
  }

  /**
   * The hit for `url` when memory holds it; else its route, for a read that must wait; undefined
   * when fastify must handle the request.
   */
  #find(url: string, core: boolean, head: boolean, headers: () => Record<string, string | undefined> | undefined, encrypted: boolean): HotHit | HotRoute | undefined {
    const started = performance.now();
    try {
      const route = this.#route(url, core);
      if (!route) return undefined;
      const { target } = route;
      const name = target.repo;
      const view = core ? () => this.#view(name, headers(), encrypted) : () => undefined;
      const hit = this.ctx.engine.hotAnswer(route.repo, route.lookup, view);
      if (hit?.kind === 'artifact') return { raw: this.#headersFor(hit.entry, target, hit.bytes.byteLength), body: hit.bytes, head, url, route, started };
      if (hit) return { raw: this.#documentHeaders(hit.facts, hit.body), body: hit.body, head, url, route, started };
      return route;
    } catch {
      // A bad path, a bad Host or a failing plugin hook: the full pipeline reports it properly.
      return undefined;
    }
  }

  /**
   * The route of a URL, worked out once and kept while its repository stays the same object (a
   * changed repository, its blocklist say, is a new one): splitting, checking and classifying the
   * path was a quarter of a 4 KiB hit's own work (bench/README.md). A plugin's `hotReads.resolve`
   * is a pure function of the URL and the repositories, as `classify` is of the path.
   */
  #route(url: string, core: boolean): HotRoute | undefined {
    const kept = this.#routes.get(url);
    if (kept && this.ctx.repos.get(kept.target.repo) === kept.repo) return kept;
    const target = core ? this.#coreTarget(url) : this.#pluginTarget(url);
    const route = target && this.#routeTo(target);
    if (!route) {
      if (kept) this.#routes.delete(url);
      return undefined;
    }
    // A route replacing a stale one takes its place; only a new URL makes room.
    if (!kept && this.#routes.size >= ROUTES_KEPT) this.#routes.delete(this.#routes.keys().next().value!);
    this.#routes.set(url, route);
    return route;
  }

  /** Undefined when the repository cannot answer here: unknown, of another type, needing a token for reads, or the path denied. */
  #routeTo(target: HotTarget): HotRoute | undefined {
    const repo = this.ctx.repos.get(target.repo);
    if (!repo || (target.type !== undefined && repo.config.package !== target.type)) return undefined;
    // A repository that needs a token for reads always takes the full path, which checks it.
    if (repo.config.auth.read !== 'anonymous') return undefined;
    const lookup = this.ctx.engine.hotLookup(repo, target.path);
    return lookup && { repo, target, lookup, lines: {} };
  }

  /**
   * Starts serveDirect for a read of a repository URL, unless it needs what only fastify does:
   * the loop check (a `Via` header), a malformed URL, or a document's view of a client behind
   * trusted proxies.
   */
  #direct(req: IncomingMessage, res: ServerResponse, route: HotRoute, fastify: FastifyHandler): boolean {
    if (req.headers.via !== undefined || !wellEncoded(req.url!)) return false;
    const { repo, lookup } = route;
    const view = lookup.document ? this.#view(route.target.repo, req.headers as Record<string, string | undefined>, isEncrypted(req)) : undefined;
    if (lookup.document && !view) return false;
    const reqId = `direct-${++this.#directCount}`;
    serveDirect(this.#directDeps, req, res, { repo, path: route.target.path, view }, fastify, reqId).catch((err: unknown) => {
      this.log.error({ err, reqId }, 'a repository read failed outside its error handling');
      res.destroy();
    });
    return true;
  }

  /** The route's request line for this method and body size, prepared on first use. */
  #lineOf(route: HotRoute, method: 'GET' | 'HEAD', url: string, bytes: number): PreparedLine {
    const kept = route.lines[method];
    if (kept && kept.sent === bytes) return kept;
    const line = this.requestLog.prepare(
      { method, url, status: 200 },
      { repo: route.target.repo, path: route.target.path, cache: 'HIT', bytes },
    );
    route.lines[method] = line;
    return line;
  }

  /** A repository URL's repository and path, unless a plugin route answers the URL. */
  #coreTarget(url: string): HotTarget | undefined {
    return this.claimed.claims(url) ? undefined : splitRepoUrl(url, PREFIX);
  }

  /** The artifact a plugin's route would send for `url`, when a plugin declares it (`hotReads`). */
  #pluginTarget(url: string): HotTarget | undefined {
    // Queries are the route's to judge.
    if (url.includes('?')) return undefined;
    for (const reads of this.#pluginReads) {
      if (!url.startsWith(reads.prefix)) continue;
      const read = reads.resolve(url, this.#repositories);
      if (!read || (read.redirect && this.#redirects())) return undefined;
      return { repo: read.repository, path: read.path, read, type: reads.type };
    }
    return undefined;
  }

  /** `storage.redirect` is on: blobs a route sends with `redirect` go to the store, not through here. */
  #redirects(): boolean {
    const { storage } = this.ctx.config;
    return storage.kind === 's3' && (storage.redirect_seconds ?? 0) > 0;
  }

  /**
   * How a rewritten index document is asked for, when it can be judged without fastify: no trusted
   * forwarded headers, and headers the fast lane could read (undefined when only node:http can).
   */
  #view(name: string, headers: Record<string, string | undefined> | undefined, encrypted: boolean): RequestView | undefined {
    if (!headers) return undefined;
    const base = rawPublicBase(headers.host, encrypted, this.ctx.config);
    if (base === undefined) return undefined;
    return {
      headers,
      publicBase: () => `${base()}${PREFIX}${name}`,
      publicBaseVary: publicBaseVary(this.ctx.config),
    };
  }

  /** Built once per rendering, as for entries: they were a sixth of a packument hit's own work. */
  #documentHeaders(facts: Omit<Served, 'open'>, body: Buffer): string[] {
    const cached = this.#documents.get(body);
    if (
      cached &&
      cached.contentType === facts.contentType &&
      cached.etag === facts.etag &&
      cached.lastModified === facts.lastModified &&
      cached.vary === facts.vary &&
      cached.cache === facts.cache &&
      cached.source === facts.source
    ) {
      return cached.raw;
    }
    const headers = artifactHeaders(facts, undefined);
    headers['content-length'] = String(body.byteLength);
    const raw = Object.entries(headers).flat();
    const { contentType, etag, lastModified, vary, cache, source } = facts;
    this.#documents.set(body, { contentType, etag, lastModified, vary, cache, source, raw });
    return raw;
  }

  #headersFor(entry: CacheEntry, target: HotTarget, length: number): string[] {
    const { path, read } = target;
    const cached = this.#headers.get(entry);
    if (
      cached &&
      cached.path === path &&
      sameHeaders(cached.read, read?.headers) &&
      cached.digest === entry.digest &&
      cached.contentType === entry.contentType &&
      cached.lastModified === entry.upstreamLastModified &&
      cached.storedAt === entry.storedAt &&
      cached.length === length
    ) {
      return cached.raw;
    }
    // A plugin's route names no file (its clients do not save by name), and its own headers come first.
    const headers = { ...read?.headers, ...artifactHeaders(servedFacts(entry, 'HIT', 'cache'), read ? undefined : fileNameOf(path)) };
    headers['content-length'] = String(length);
    const raw = Object.entries(headers).flat();
    this.#headers.set(entry, {
      path,
      read: read?.headers,
      digest: entry.digest,
      contentType: entry.contentType,
      lastModified: entry.upstreamLastModified,
      storedAt: entry.storedAt,
      length,
      raw,
    });
    return raw;
  }
}

function isEncrypted(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean }).encrypted === true;
}

/** Whether the URL's percent-encoding decodes: fastify answers a malformed one with AAPI_ERR_PATH_INVALID. */
function wellEncoded(url: string): boolean {
  if (!url.includes('%')) return true;
  try {
    decodeURIComponent(url);
    return true;
  } catch {
    return false;
  }
}

function sameHeaders(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => a[name] === b[name]);
}
