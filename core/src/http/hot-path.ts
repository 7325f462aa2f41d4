import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { FastifyBaseLogger } from 'fastify';
import type { HotRead, HotReadRepositories, HotReads } from '@artifactapi/plugin-sdk';
import { servedFacts, type RequestView, type Served } from '../engine/index.js';
import type { CacheEntry } from '../metadata/index.js';
import { artifactHeaders } from './artifact-headers.js';
import { publicBaseVary, rawPublicBase } from './public-base.js';
import { fileNameOf, REPOSITORY_PREFIX as PREFIX, splitRepoUrl } from './repo-path.js';
import { repositoryRef } from './repository-ref.js';
import type { RequestLog } from './request-log.js';
import type { ServerContext } from './server-context.js';

/** Requests with these headers need the full pipeline's conditional and Range handling. */
const NEEDS_PIPELINE = ['range', 'if-range', 'if-none-match', 'if-modified-since'] as const;

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
  // Built once per entry: the date formatting, Content-Disposition and header object of a hit
  // were a tenth of its JavaScript time (bench/README.md, issue 11). Weak: entries leave with the cache.
  readonly #headers = new WeakMap<CacheEntry, HotHeaders>();
  readonly #pluginReads: PluginReads[];
  readonly #repositories: HotReadRepositories;

  constructor(
    private readonly ctx: ServerContext,
    private readonly log: FastifyBaseLogger,
    private readonly requestLog: RequestLog,
  ) {
    this.#pluginReads = ctx.plugins.list().flatMap(({ type, plugin }) => (plugin.hotReads ? [{ ...plugin.hotReads, type }] : []));
    this.#repositories = { resolve: (name) => repositoryRef(ctx, name) };
  }

  /** From now on every request goes through fastify, which answers 503 while closing. */
  close(): void {
    this.#open = false;
  }

  /** Answers the request when it is a hot hit; false when fastify must handle it. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '';
    const head = req.method === 'HEAD';
    if (!this.#open || !(head || req.method === 'GET')) return false;
    const core = url.startsWith(PREFIX);
    if (!core && this.#pluginReads.length === 0) return false;
    for (const name of NEEDS_PIPELINE) if (req.headers[name] !== undefined) return false;
    const started = performance.now();
    let answer: { raw: string[]; body: Buffer } | undefined;
    let target: HotTarget | undefined;
    try {
      target = core ? splitRepoUrl(url, PREFIX) : this.#pluginTarget(url);
      if (!target) return false;
      const repo = this.ctx.repos.get(target.repo);
      if (target.type !== undefined && repo?.config.package !== target.type) return false;
      // A repository that needs a token for reads always takes the full path, which checks it.
      const name = target.repo;
      const view = core ? () => this.#view(name, req) : () => undefined;
      const hit = repo?.config.auth.read === 'anonymous' ? this.ctx.engine.hotAnswer(repo, target.path, view) : undefined;
      if (hit?.kind === 'artifact') answer = { raw: this.#headersFor(hit.entry, target, hit.bytes.byteLength), body: hit.bytes };
      else if (hit) answer = { raw: this.#documentHeaders(hit.facts, hit.body.byteLength), body: hit.body };
    } catch {
      // A bad path, a bad Host or a failing plugin hook: the full pipeline reports it properly.
      return false;
    }
    if (!answer) return false;
    const { raw, body } = answer;
    res.writeHead(200, raw);
    res.end(head ? undefined : body);
    this.requestLog.record(
      this.log,
      { method: req.method!, url, status: 200, ms: performance.now() - started, reqId: `hot-${++this.#served}` },
      { repo: target.repo, path: target.path, cache: 'HIT', bytes: head ? 0 : body.byteLength },
    );
    return true;
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

  /** How a rewritten index document is asked for, when it can be judged without fastify (no trusted forwarded headers). */
  #view(name: string, req: IncomingMessage): RequestView | undefined {
    const base = rawPublicBase(req, this.ctx.config);
    if (base === undefined) return undefined;
    return {
      headers: req.headers as Record<string, string | undefined>,
      publicBase: () => `${base()}${PREFIX}${name}`,
      publicBaseVary: publicBaseVary(this.ctx.config),
    };
  }

  #documentHeaders(facts: Omit<Served, 'open'>, length: number): string[] {
    const headers = artifactHeaders(facts, undefined);
    headers['content-length'] = String(length);
    return Object.entries(headers).flat();
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

function sameHeaders(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => a[name] === b[name]);
}
