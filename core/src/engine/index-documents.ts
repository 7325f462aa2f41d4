import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { ArtifactFacts, Classification, ExpectedDigest, IndexLocation, InspectContext, RewriteContext, RewriteResult, TaskRef } from '@artifactapi/plugin-sdk';
import { AapiError, isAapiError } from '../errors.js';
import type { CacheEntry } from '../metadata/metadata-store.js';
import type { WorkerPool } from '../workers/index.js';
import { RenderedCache, type Rendered, type RenderedCacheStats } from './rendered-cache.js';
import { canonicalEncoding } from './path-encoding.js';
import type { RepoRuntime } from './repo-runtime.js';
import type { CacheStatus, Served } from './served.js';

/** A miss's verdict after the artifact's index was consulted. */
export interface CheckedVerdict extends Classification {
  /**
   * The index that lists the artifact could not be read, so there is no digest to check the
   * bytes against: they may be served, but are stored as unverified.
   */
  indexUnavailable?: true;
  /** The exact size the index lists; a body of another length is not stored. */
  listedSize?: number;
  /** The plugin verifier the bytes must pass before they are committed (ArtifactFacts.verify). */
  listedCheck?: ListedCheck;
}

/** A plugin verifier task and the value the index lists for it. */
export interface ListedCheck {
  verifier: string;
  task: TaskRef;
  expected: string;
}

/** A stored index document as the engine found or fetched it. */
export interface IndexDocument {
  entry: CacheEntry;
  cache: CacheStatus;
  source: 'cache' | 'remote';
  upstreamStatus?: number;
}

/** What the engine lends this module: fetching documents through the cache, and their bytes. */
export interface DocumentSource {
  document(repo: RepoRuntime, path: string, verdict: Classification): Promise<IndexDocument>;
  bytes(entry: CacheEntry): Promise<Buffer>;
}

/** The client-facing side of a request: who asks (for URLs in rewritten documents) and what they accept. */
export interface RequestView {
  headers?: Readonly<Record<string, string | undefined>>;
  /**
   * Public URL of the repository as the client addresses it, without a trailing slash. Called
   * only for rewritten documents, before anything is fetched; it throws for a request whose
   * origin headers are invalid.
   */
  publicBase?: () => string;
  /** The request headers `publicBase` depends on, named in Vary beside Accept. */
  publicBaseVary?: readonly string[];
}

const RENDERED_CACHE_BYTES = 128 * 1024 * 1024;
const FACTS_CACHE_DOCUMENTS = 256;
/** How long an unreadable stored document answers its error without another try in a worker. */
const UNREADABLE_TTL_MS = 60_000;
const DIGEST_STRENGTH = { sha512: 3, sha256: 2, sha1: 1, md5: 0 } as const;
/** How many indexes may list one another above an artifact (RPM: repomd.xml → primary.xml → .rpm). */
const MAX_INDEX_DEPTH = 4;
/** Files of a snapshot document fetched at once. */
const SNAPSHOT_CONCURRENCY = 4;
/** How many companion documents of one index are fetched at once. */
const COMPANION_FETCHES = 8;

/**
 * Index documents (packuments, simple indexes, index.yaml…): stored as the upstream sent them,
 * served rewritten for the client's public URL and representation. Rewriting and inspecting run
 * in the worker pool, and their results are cached by the stored document's digest, so a hit on a
 * large document does no parsing at all.
 */
export class IndexDocuments {
  private readonly rendered = new RenderedCache(RENDERED_CACHE_BYTES);
  private readonly facts = new LRUCache<string, Promise<Record<string, ArtifactFacts>>>({ max: FACTS_CACHE_DOCUMENTS });
  /** Stored documents (digest and index kind) the plugin could not read, with the error to answer. */
  private readonly unreadable = new LRUCache<string, AapiError>({ max: FACTS_CACHE_DOCUMENTS, ttl: UNREADABLE_TTL_MS });

  constructor(
    private readonly pool: WorkerPool,
    private readonly source: DocumentSource,
  ) {}

  /** Serves an index document rewritten for this request. */
  async serve(repo: RepoRuntime, path: string, verdict: Classification & { index: string }, request: RequestView): Promise<Served> {
    const publicBase = request.publicBase?.() ?? '';
    const doc = await this.source.document(repo, path, verdict);
    const ctx = rewriteContext(repo, path, publicBase, request);
    const known = this.unreadable.get(`${doc.entry.digest}\u0000${verdict.index}`);
    if (known) throw known;
    const companions = repo.plugin.companions ? await this.companions(repo, path, doc.entry, ctx.quarantineCutoff) : undefined;
    if (companions) ctx.companions = companions.bodies;
    const key = renderedKey(doc.entry, ctx, companions?.key);
    // The rewritten copy is about the stored size; the cache reserves that while it renders.
    const rendered = await this.rendered.obtain(key, doc.entry.size, () => this.render(key, repo, verdict.index, doc.entry, ctx));
    const body = rendered.body;
    return {
      ...renderedFacts(doc, rendered, request),
      open: async (range) => (range ? body.subarray(range.start, range.end + 1) : body),
      discard() {},
    };
  }

  /**
   * What `serve` would answer for a document stored under `entry` (fresh, from the memory tier),
   * when its rendering for this request is already in memory; undefined when serving it needs
   * anything asynchronous (a render, companion documents), so the full pipeline must.
   */
  renderedHit(repo: RepoRuntime, path: string, verdict: Classification & { index: string }, entry: CacheEntry, request: RequestView): { facts: Omit<Served, 'open'>; body: Buffer } | undefined {
    if (repo.plugin.companions || this.unreadable.has(`${entry.digest}\u0000${verdict.index}`)) return undefined;
    const ctx = rewriteContext(repo, path, request.publicBase?.() ?? '', request);
    const rendered = this.rendered.peek(renderedKey(entry, ctx, undefined));
    return rendered && { facts: renderedFacts({ entry, cache: 'HIT', source: 'cache' }, rendered, request), body: rendered.body };
  }

  /**
   * The documents the plugin's `companions` hook names for an index document, fetched through the
   * cache a few at a time (null for one that cannot be had), and a key that changes when any of
   * them does, for the rendered-document cache.
   */
  private async companions(repo: RepoRuntime, path: string, entry: CacheEntry, quarantineCutoff: number | undefined): Promise<{ bodies: Record<string, Uint8Array | null>; key: string } | undefined> {
    const paths = repo.companions(path, await this.source.bytes(entry), quarantineCutoff);
    if (paths.length === 0) return undefined;
    const bodies: Record<string, Uint8Array | null> = Object.create(null) as Record<string, Uint8Array | null>;
    const digests = new Map<string, string>();
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < paths.length; i = next++) {
        const companion = paths[i]!;
        try {
          const verdict = repo.classify(companion);
          if (verdict.cache === 'deny') throw new AapiError('AAPI_ERR_PATH_DENIED', companion);
          const doc = await this.source.document(repo, companion, verdict);
          bodies[companion] = await this.source.bytes(doc.entry);
          digests.set(companion, doc.entry.digest);
        } catch {
          bodies[companion] = null;
          digests.set(companion, '-');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(COMPANION_FETCHES, paths.length) }, worker));
    const key = createHash('sha256');
    for (const companion of paths) key.update(`${companion}\u0000${digests.get(companion)}\u0000`);
    return { bodies, key: key.digest('hex') };
  }

  /** Whether the plugin names an index that lists `path` and can read digests out of it. */
  hasIndexCheck(repo: RepoRuntime, path: string): boolean {
    return repo.indexOf(path).some((listing) => repo.plugin.inspectors[listing.index] !== undefined);
  }

  /**
   * Adds what the artifact's index says to a miss's verdict: the digest to verify against, and a
   * 451 when the version is younger than the repository's quarantine. When the index cannot be
   * read the verdict says so (the bytes are then stored as unverified), and a repository with a
   * quarantine refuses the artifact: its age is unknown.
   */
  async verdictFor(repo: RepoRuntime, path: string, verdict: Classification, depth = 0): Promise<CheckedVerdict> {
    const listings = repo.indexOf(path).filter((listing) => repo.plugin.inspectors[listing.index] !== undefined);
    if (listings.length === 0) return verdict;
    const results = await Promise.all(
      listings.map((listing) =>
        this.listedFacts(repo, listing, depth).then(
          (facts) => ({ facts: facts[path] }),
          (err: unknown) => ({ failed: { path: 'path' in listing ? listing.path : `the ${listing.role} of ${listing.listedIn.path}`, err } }),
        ),
      ),
    );
    // An upstream whose new snapshot names files it cannot deliver is reachable but inconsistent: no bytes it lists pass unchecked.
    for (const r of results) if ('failed' in r && isAapiError(r.failed.err) && r.failed.err.code === 'AAPI_ERR_SNAPSHOT_INCOMPLETE') throw r.failed.err;
    const mine = combineFacts(results.map((r) => ('facts' in r ? r.facts : undefined)));
    const failed = results.find((r) => 'failed' in r)?.failed;
    if (failed && repo.config.quarantine_days && mine?.publishedAt === undefined) {
      throw new AapiError(
        'AAPI_ERR_INDEX_UNAVAILABLE',
        `${path}: its index ${failed.path} cannot be read, so its quarantine cannot be checked (${(failed.err as Error).message})`,
        { cause: failed.err },
      );
    }
    if (!mine) return failed ? { ...verdict, indexUnavailable: true } : verdict;
    const cutoff = quarantine(repo).quarantineCutoff;
    const published = mine.publishedAt === undefined ? undefined : new Date(mine.publishedAt).getTime();
    if (cutoff !== undefined && published !== undefined && published > cutoff) {
      const availableAt = new Date(published + repo.config.quarantine_days * 86_400_000).toISOString();
      throw new AapiError('AAPI_ERR_QUARANTINED', `${mine.version ?? path} was published ${new Date(published).toISOString()}; ${repo.name} serves it from ${availableAt}`);
    }
    const strongest = strongestDigest(mine.digests);
    const checked: CheckedVerdict = strongest && !verdict.expectedDigest ? { ...verdict, expectedDigest: strongest } : { ...verdict };
    if (typeof mine.size === 'number') checked.listedSize = mine.size;
    if (mine.verify) checked.listedCheck = listedCheck(repo, path, mine.verify);
    if (failed) checked.indexUnavailable = true;
    return checked;
  }

  /**
   * The gate of a `snapshot` document (Classification.snapshot), run on a new copy before it is
   * recorded: stores every file its inspector marks required, checked against the new copy's own
   * digests. Throws AAPI_ERR_SNAPSHOT_INCOMPLETE when the copy or one of those files cannot be had.
   */
  async completeSnapshot(repo: RepoRuntime, path: string, verdict: Classification, entry: CacheEntry): Promise<void> {
    const index = verdict.index;
    if (index === undefined || !repo.plugin.inspectors[index]) return;
    let facts: Record<string, ArtifactFacts>;
    try {
      facts = await this.inspect(repo, entry, index, path);
    } catch (err) {
      throw new AapiError('AAPI_ERR_SNAPSHOT_INCOMPLETE', `${repo.name}/${path} cannot be read (${(err as Error).message})`, { cause: err });
    }
    const required = Object.entries(facts).filter(([, fact]) => fact.required);
    let next = 0;
    const worker = async () => {
      while (next < required.length) {
        const [listed, fact] = required[next++]!;
        const own = repo.classify(listed);
        if (own.cache === 'deny') continue;
        const expected = strongestDigest(fact.digests);
        try {
          await this.source.document(repo, listed, expected ? { ...own, expectedDigest: expected } : own);
        } catch (err) {
          throw new AapiError('AAPI_ERR_SNAPSHOT_INCOMPLETE', `${repo.name}/${path} names ${listed}, which cannot be stored (${(err as Error).message})`, {
            cause: err,
          });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(SNAPSHOT_CONCURRENCY, required.length) }, worker));
  }

  /** The facts of the index a listing names, found by its role in another index if need be. */
  private async listedFacts(repo: RepoRuntime, listing: IndexLocation, depth: number): Promise<Record<string, ArtifactFacts>> {
    if (depth >= MAX_INDEX_DEPTH) throw new Error(`indexes list one another more than ${MAX_INDEX_DEPTH} deep`);
    if ('path' in listing) return this.factsFor(repo, listing.path, listing.index, depth);
    const { listedIn, role } = listing;
    if (!repo.plugin.inspectors[listedIn.index]) throw new Error(`no inspector for ${listedIn.index}`);
    const listed = await this.factsFor(repo, listedIn.path, listedIn.index, depth);
    for (const [path, fact] of Object.entries(listed)) if (fact.role === role) return this.factsFor(repo, path, listing.index, depth);
    throw new Error(`${listedIn.path} lists no ${role}`);
  }

  private async factsFor(repo: RepoRuntime, indexPath: string, index: string, depth: number): Promise<Record<string, ArtifactFacts>> {
    // An index listed by another one is checked against it like any artifact (RPM primary.xml against repomd.xml).
    const verdict = await this.verdictFor(repo, indexPath, repo.classify(indexPath), depth + 1);
    const doc = await this.source.document(repo, indexPath, verdict);
    return this.inspect(repo, doc.entry, index, indexPath);
  }

  /** The inspector's facts about a stored document, computed once per document digest and path. */
  private inspect(repo: RepoRuntime, entry: CacheEntry, index: string, indexPath: string): Promise<Record<string, ArtifactFacts>> {
    // The path is part of the key: facts are keyed by repository paths, which an inspector may resolve against it (one document mirrored under two roots).
    const key = `${repo.name}\u0000${entry.digest}\u0000${index}\u0000${indexPath}`;
    let facts = this.facts.get(key);
    if (!facts) {
      const ctx: InspectContext = { repo: repo.name, upstreamBase: repo.config.base_url, options: repo.config.options, path: indexPath, storedAt: entry.storedAt };
      facts = this.source
        .bytes(entry)
        .then((body) =>
          this.pool.run<{ body: Uint8Array; ctx: InspectContext }, Record<string, ArtifactFacts>>(repo.plugin.inspectors[index]!, { body, ctx }),
        )
        .then((found) => byCanonicalPath(repo, found));
      this.facts.set(key, facts);
      facts.catch(() => this.facts.delete(key));
    }
    return facts;
  }

  /**
   * A SyntaxError from a task means the upstream's document is unreadable (a 502, remembered for a
   * while: the same bytes fail the same way); a RangeError is a stack overflow on a document
   * nested too deeply. Anything else is the plugin's own failure.
   */
  private rewriteError(repo: RepoRuntime, index: string, entry: CacheEntry, err: unknown): AapiError {
    const message = `${repo.plugin.type} rewriter "${index}" on ${entry.repo}/${entry.path}: ${(err as Error).message}`;
    if (!(err instanceof SyntaxError || err instanceof RangeError)) return new AapiError('AAPI_ERR_PLUGIN_FAILED', message, { cause: err });
    const unreadable = new AapiError('AAPI_ERR_UPSTREAM_DOCUMENT', message, { cause: err });
    this.unreadable.set(`${entry.digest}\u0000${index}`, unreadable);
    return unreadable;
  }

  /** What the rendered-document cache holds against its bound. */
  renderedStats(): RenderedCacheStats {
    return this.rendered.stats();
  }

  private async render(key: string, repo: RepoRuntime, index: string, entry: CacheEntry, ctx: RewriteContext): Promise<Rendered> {
    const body = await this.source.bytes(entry);
    const task = repo.plugin.rewriters[index]!;
    let result: RewriteResult;
    try {
      result = await this.pool.run<{ body: Uint8Array; ctx: RewriteContext }, RewriteResult>(task, { body, ctx });
    } catch (err) {
      throw this.rewriteError(repo, index, entry, err);
    }
    const out = Buffer.from(result.body.buffer, result.body.byteOffset, result.body.byteLength);
    return { body: out, contentType: result.contentType, etag: `"${createHash('sha256').update(key).digest('hex').slice(0, 40)}"` };
  }
}

/**
 * Facts keyed by the path a request for each artifact arrives as (canonical encoding, then the
 * plugin's canonicalPath), however the index spelled its URL: a miss would skip verification and
 * quarantine. A key the plugin cannot canonicalise stays as listed.
 */
function byCanonicalPath(repo: RepoRuntime, facts: Record<string, ArtifactFacts>): Record<string, ArtifactFacts> {
  const out: Record<string, ArtifactFacts> = Object.create(null) as Record<string, ArtifactFacts>;
  for (const [path, fact] of Object.entries(facts)) {
    let key = path;
    try {
      key = repo.canonicalPath(canonicalEncoding(path));
    } catch {
      // keep the spelling as listed
    }
    out[key] = fact;
  }
  return out;
}

/** The quarantine cutoff, rounded down to the minute so rewritten documents stay cacheable. */
function rewriteContext(repo: RepoRuntime, path: string, publicBase: string, request: RequestView): RewriteContext {
  return {
    publicBase,
    repo: repo.name,
    upstreamBase: repo.config.base_url,
    options: repo.config.options,
    path,
    variant: repo.negotiate(path, request.headers ?? {}),
    ...quarantine(repo),
  };
}

/** A rendering's key in the rendered-document cache: everything the rewritten bytes depend on. */
function renderedKey(entry: CacheEntry, ctx: RewriteContext, companionsKey: string | undefined): string {
  return [entry.digest, ctx.publicBase, ctx.variant, ctx.quarantineCutoff ?? '', companionsKey ?? ''].join('\u0000');
}

function renderedFacts(doc: IndexDocument, rendered: Rendered, request: RequestView): Omit<Served, 'open'> {
  return {
    cache: doc.cache,
    source: doc.source,
    upstreamStatus: doc.upstreamStatus,
    size: rendered.body.byteLength,
    contentType: rendered.contentType ?? doc.entry.contentType,
    etag: rendered.etag,
    lastModified: doc.entry.upstreamLastModified ?? new Date(doc.entry.storedAt).toUTCString(),
    vary: ['Accept', ...(request.publicBaseVary ?? [])].join(', '),
    discard() {},
  };
}

function quarantine(repo: RepoRuntime): { quarantineCutoff?: number } {
  const days = repo.config.quarantine_days;
  if (!days) return {};
  return { quarantineCutoff: Math.floor((Date.now() - days * 86_400_000) / 60_000) * 60_000 };
}

/** What several indexes say about one artifact: the first that tells each fact wins; digests add up. */
function combineFacts(found: (ArtifactFacts | undefined)[]): ArtifactFacts | undefined {
  const present = found.filter((f): f is ArtifactFacts => f !== undefined);
  if (present.length <= 1) return present[0];
  const out: ArtifactFacts = { digests: present.flatMap((f) => f.digests ?? []) };
  for (const f of present) {
    if (out.publishedAt === undefined && f.publishedAt !== undefined) out.publishedAt = f.publishedAt;
    if (out.version === undefined && f.version !== undefined) out.version = f.version;
    if (out.size === undefined && f.size !== undefined) out.size = f.size;
    if (out.verify === undefined && f.verify !== undefined) out.verify = f.verify;
  }
  return out;
}

/** The verifier an inspector named; one the plugin does not have keeps the bytes out (integrity never fails open). */
function listedCheck(repo: RepoRuntime, path: string, verify: { verifier: string; expected: string }): ListedCheck {
  const task = repo.plugin.verifiers[verify.verifier];
  if (!task) throw new AapiError('AAPI_ERR_PLUGIN_FAILED', `${repo.plugin.type}: ${path} names verifier "${verify.verifier}", which the plugin does not have`);
  return { verifier: verify.verifier, task, expected: verify.expected };
}

function strongestDigest(digests: ExpectedDigest[] | undefined): ExpectedDigest | undefined {
  let best: ExpectedDigest | undefined;
  for (const d of digests ?? []) if (!best || DIGEST_STRENGTH[d.algorithm] > DIGEST_STRENGTH[best.algorithm]) best = d;
  return best;
}
