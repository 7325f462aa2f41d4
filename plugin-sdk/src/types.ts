import type { HostedDefinition } from './hosted.js';
import type { Mergers } from './mergers.js';
import type { HotReads, RouteScope, RoutesContext } from './routes.js';
import type { TaskRef } from './task-ref.js';
import type { UpstreamAuth } from './upstream-auth.js';

export type { TaskRef } from './task-ref.js';

/** How the engine treats a path of a repository. */
export type CacheClass = 'immutable' | 'mutable' | 'deny';

/** A digest the upstream or an index document promises for an artifact. */
export interface ExpectedDigest {
  /** `md5` only where an index offers nothing stronger (Puppet Forge's `file_md5` on old releases). */
  algorithm: 'md5' | 'sha1' | 'sha256' | 'sha512';
  /** Lower-case hex. */
  hex: string;
}

/** What a plugin says about one request path. */
export interface Classification {
  cache: CacheClass;
  /** Names an index kind (e.g. `packument`); the engine stores the document and rewrites it with the rewriter of that name. */
  index?: string;
  /** Bytes that do not hash to this are never committed and never served. */
  expectedDigest?: ExpectedDigest;
  /** When the artifact was published upstream, for quarantine. */
  publishedAt?: Date;
  /**
   * Content type to serve when the upstream sends none or a generic one (`application/octet-stream`,
   * `binary/octet-stream`, `application/unknown`, `text/plain`); a specific upstream type wins.
   */
  contentType?: string;
  /** Why a path is denied; shown to the client. */
  reason?: string;
  /**
   * The key the path's entry is stored and single-flighted under, when it differs from the path
   * the upstream URL is built from (docker blobs: `blobs/sha256:…` for every image that shares the
   * layer, so one upstream fetch serves them all). Default: the path. Keys share the path space:
   * pick them so they never collide with another path.
   */
  cacheKey?: string;
  /**
   * Revalidates an expired copy with a HEAD instead of a conditional GET: the upstream's
   * `digestHeader` (e.g. `docker-content-digest`) holds `sha256:<hex>` of the body, and when it
   * names the stored bytes the copy is kept with no GET. A changed or missing value falls back
   * to the GET. For upstreams that count GETs (Docker Hub's rate limit).
   */
  revalidate?: { method: 'HEAD'; digestHeader: string };
  /**
   * With a sha256 `expectedDigest`: when the blob store already holds bytes of that digest (stored
   * for any repository), they are served without an upstream request, since the digest names them
   * exactly (docker layers two remote repositories share). Default false.
   */
  sharedByDigest?: boolean;
  /**
   * For an index document whose `index` kind has an inspector and whose listed files are named
   * per upstream snapshot (RPM `repomd.xml` and its hash-named metadata): a newly downloaded copy
   * replaces the stored one only once every file its inspector marks `required` is stored too,
   * each fetched through the cache and checked against the new copy's digests. Meanwhile, and
   * while one cannot be stored, the previous copy serves (STALE); with none, the first request
   * waits for the new copy, or fails (AAPI_ERR_SNAPSHOT_INCOMPLETE). So every copy the product
   * served stays complete after the upstream deletes the files it names. Default false.
   */
  snapshot?: boolean;
}

/** The repository a hook is called for, as configured by the operator. */
export interface RepoInfo {
  name: string;
  /** `remote` caches an upstream, `local` hosts uploads. */
  kind: 'remote' | 'local';
  /** The package type, i.e. the plugin's `type`. */
  package: string;
  /** Upstream base URL without a trailing slash; empty for local repositories. */
  baseUrl: string;
  /**
   * The plugin's own keys of the repository's config block (those its `options` schema
   * declares, defaults filled in; for an apiVersion 1 plugin, every key the core does not know).
   */
  options: Readonly<Record<string, unknown>>;
}

/** Structured logger handed to hooks; plugins never create their own. */
export interface PluginLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Context injected into every hook call. */
export interface HookContext {
  repo: RepoInfo;
  log: PluginLogger;
}

/** Context a rewriter task receives with the upstream document. Plain data: it crosses into a worker thread. */
export interface RewriteContext {
  /** Public URL of the repository as the client sees it, without a trailing slash, e.g. `http://host/api/v1/remote/npmjs`. */
  publicBase: string;
  repo: string;
  /** The repository's `base_url`, without a trailing slash. */
  upstreamBase: string;
  /** The plugin's keys of the repository's config block (RepoInfo.options). */
  options: Record<string, unknown>;
  /** The path the document was requested at. */
  path: string;
  /** The representation chosen by `negotiate` (e.g. `abbreviated`, `json`, `html`); `default` when the plugin has none. */
  variant: string;
  /** Versions published after this instant (ms since epoch) must be left out; absent when quarantine is off. */
  quarantineCutoff?: number;
  /**
   * The documents the plugin's `companions` hook named for this one, by path: their stored bytes,
   * or null when one cannot be had (not found, upstream unreachable and never fetched, denied).
   */
  companions?: Readonly<Record<string, Uint8Array | null>>;
}

/** What a rewriter task returns. */
export interface RewriteResult {
  body: Uint8Array;
  /** Content-Type of the rewritten document; default: the upstream's. */
  contentType?: string;
}

/**
 * A rewriter task: runs in the worker pool, pure (no I/O), may be called many times with the same
 * input. Export it from the module named by the TaskRef. Throw a SyntaxError (see
 * `parseJsonDocument`) when the stored document cannot be read: the client gets a 502
 * `AAPI_ERR_UPSTREAM_DOCUMENT`; any other error is the plugin's fault, a 500.
 */
export type RewriteTask = (input: { body: Uint8Array; ctx: RewriteContext }) => RewriteResult | Promise<RewriteResult>;

/** What an index document says about one artifact it lists. */
export interface ArtifactFacts {
  /** Digests the artifact must match; the strongest one is checked. */
  digests?: ExpectedDigest[];
  /** ISO-8601 or ms since epoch: when the version was published, for quarantine. */
  publishedAt?: string | number;
  /** Human-readable version for 451 messages, e.g. `left-pad@1.3.0`. */
  version?: string;
  /**
   * What a listed file is to its type when it is itself an index (RPM repomd.xml: `primary`),
   * so `indexOf` can name an index by its role in another one (see {@link IndexLocation}).
   */
  role?: string;
  /** In a `snapshot` index document: the file is stored before a new copy of the document is served. */
  required?: boolean;
  /** The artifact's exact size in bytes; a body of another length is never stored or served. */
  size?: number;
  /**
   * A check of the bytes that is not a digest of the whole body (apk's `C:`, the SHA-1 of one gzip
   * member): the name of one of the plugin's `verifiers` and the value it must find. Bytes it
   * refuses are never stored or served.
   */
  verify?: { verifier: string; expected: string };
}

/**
 * Where the index that lists an artifact is: at a fixed path, or (`listedIn`) at whatever path
 * another index's inspector gives the file of `role`, for indexes named per upstream snapshot
 * (RPM: repomd.xml → `repodata/<hash>-primary.xml.gz`). The document found by role is checked
 * against the digests its listing index declares.
 */
export type IndexLocation =
  | { path: string; index: string }
  | { listedIn: { path: string; index: string }; role: string; index: string };

/** What a verifier task receives: a downloaded artifact, complete and not yet committed. */
export interface VerifyInput {
  /** A local file holding exactly the artifact's bytes; read it, never change it. */
  file: string;
  /** The value the index lists (`ArtifactFacts.verify.expected`). */
  expected: string;
  /** The artifact's repository path, for messages. */
  path: string;
}

/** A verifier's answer: `ok`, or what it found instead (shown in the 502 and the log). */
export interface VerifyResult {
  ok: boolean;
  actual?: string;
}

/**
 * A verifier task: runs in the worker pool over a downloaded artifact before it is committed and
 * says whether its bytes match what the index lists. Unreadable bytes are a mismatch (`ok: false`),
 * not an error; a thrown error is the plugin's fault and also keeps the bytes out.
 */
export type VerifyTask = (input: VerifyInput) => VerifyResult | Promise<VerifyResult>;

/** Context an inspector task receives. Like a rewriter, an inspector throws a SyntaxError for an unreadable document. */
export interface InspectContext {
  repo: string;
  upstreamBase: string;
  options: Record<string, unknown>;
  /** The path the index document was requested at. */
  path: string;
  /**
   * When the proxy stored this copy of the document (ms since epoch): the first-seen time of what
   * an immutable document lists, for quarantine where the protocol gives no publish time
   * (terraform's SHA256SUMS). Absent in contexts without a stored document.
   */
  storedAt?: number;
}

/**
 * An inspector task: runs in the worker pool over an index document and returns the facts about
 * every artifact it lists, keyed by the artifact's repository path (as `classify` sees it, no
 * leading slash). Used to verify downloads and to refuse quarantined artifacts with 451.
 */
export type InspectTask = (input: { body: Uint8Array; ctx: InspectContext }) => Record<string, ArtifactFacts> | Promise<Record<string, ArtifactFacts>>;

/** An error response about to be sent on a repository, for {@link PluginDefinition.errorBody}. */
export interface ErrorInfo {
  /** Stable code, `AAPI_ERR_…` (see docs/errors.md). */
  code: string;
  /** The sentence shown to users, e.g. `Path denied by repository policy: left-pad (blocklisted)`. */
  message: string;
  /** HTTP status of the response. */
  status: number;
}

/** The representation a client asked for. */
export interface Negotiated {
  /** Names the representation; part of the cache key of the rewritten document. */
  variant: string;
}

/**
 * A package-type plugin as written by its author. Only `type`, `description` and `classify`
 * are required; every other hook has a default inside core.
 */
export interface PluginDefinition {
  /** The `package:` value that selects this plugin in a repository's config. Lower-case, `[a-z0-9-]+`. */
  type: string;
  description: string;
  /**
   * Called for every request path (already normalised: no leading slash, no `..`).
   * Must be fast and synchronous: it runs on the event loop for every hit. A pure function of
   * the path and `ctx.repo`: core may reuse a verdict for the same path until the repository's
   * configuration changes (as it does with `canonicalPath`'s answer).
   */
  classify(path: string, ctx: HookContext): Classification;
  /**
   * The URL to fetch for a path. Default: `repo.baseUrl + '/' + path`.
   * Returning a URL on another host is allowed (e.g. a separate files host).
   */
  upstreamUrl?(path: string, ctx: HookContext): string;
  /**
   * Headers sent upstream for a path, e.g. `Accept` to get the full npm packument or PEP 691
   * JSON whatever the client asked for. Default: none.
   */
  upstreamHeaders?(path: string, ctx: HookContext): Record<string, string>;
  /**
   * The cache key of a path when several spellings mean the same thing (npm `@scope%2fname` vs
   * `@scope/name`, PEP 503 name normalisation). Default: the path itself.
   */
  canonicalPath?(path: string, ctx: HookContext): string;
  /**
   * For an index document, which representation the client wants, from its request headers
   * (lower-case names). Called only for paths classified with an `index`. Default: `default`.
   */
  negotiate?(path: string, headers: Readonly<Record<string, string | undefined>>, ctx: HookContext): Negotiated;
  /** Index rewriters by index kind (see RewriteTask), run in the worker pool. */
  rewriters?: Readonly<Record<string, TaskRef<{ body: Uint8Array; ctx: RewriteContext }, RewriteResult>>>;
  /** Index inspectors by index kind (see InspectTask), run in the worker pool. */
  inspectors?: Readonly<Record<string, TaskRef<{ body: Uint8Array; ctx: InspectContext }, Record<string, ArtifactFacts>>>>;
  /**
   * For an artifact path, the path of the index document that lists it, whose inspector gives
   * the artifact's digests and publish time. Default: none (no verification beyond `classify`).
   * Several indexes may each tell part (go: the checksum database's lookup gives the hashes, the
   * version's `.info` its time); their facts are combined, the first one's winning where two tell
   * the same thing.
   */
  indexOf?(path: string, ctx: HookContext): IndexLocation | readonly IndexLocation[] | undefined;
  /**
   * The JSON body of an error response on this type's repositories (remote, local and virtual),
   * for clients that print an error only in their own shape. Called for each such error
   * response; must not throw. Default: the product's `{ "error": { "code", "message" } }`.
   */
  errorBody?(error: ErrorInfo): unknown;

  // ---- apiVersion 2 ----

  /** The plugin's repository keys (apiVersion 2). Default: none, so any plugin key is an error. */
  options?: OptionsSchema;
  /**
   * Upstream base URLs the repository fetches from besides `base_url` (e.g. pypi's `files_url`),
   * from its options: `upstreamUrl` may return URLs on them, and redirects to their hosts are
   * allowed. Called once per repository at start. Default: none.
   */
  upstreamHosts?(ctx: HookContext): readonly string[];
  /**
   * Mounts the plugin's own protocol surface (docker `/v2`, terraform discovery) once at start,
   * in an encapsulated scope. Repositories are reached only through `ctx.engine`. Default: none.
   */
  routes?(scope: RouteScope, ctx: RoutesContext): void | Promise<void>;
  /**
   * Reads on `routes` whose answer is one stored artifact as stored (docker blob pulls), which the
   * core may answer from memory ahead of the routes, as it does for its own repository URLs: only
   * plain GET and HEAD (no Range or conditional headers) of an anonymous-read repository of this
   * type whose artifact is fresh and in memory; everything else reaches `routes`. Requires
   * `routes`. Default: none.
   */
  hotReads?: HotReads;
  /** Challenge/response upstream authentication (the registry token flow). Default: none (Basic credentials only). */
  upstreamAuth?: UpstreamAuth;
  /** What local repositories of the type accept besides plain files. Default: plain files. */
  hosted?: HostedDefinition;
  /** Virtual repositories: merges members' index documents by index kind. Default: the first member answers. */
  mergers?: Mergers;
  /**
   * For an index document about to be rewritten, other paths of the same repository whose bytes
   * the rewriter needs (go's `@v/list` names no times: with a quarantine, the versions' `.info`
   * files give them). The core fetches them through the cache and hands them to the rewriter as
   * `RewriteContext.companions`. Called on the event loop with the stored document: keep it cheap.
   * Default: none.
   */
  companions?(path: string, body: Uint8Array, ctx: HookContext, rewrite: { quarantineCutoff?: number }): readonly string[];
  /** Artifact verifiers by name (see VerifyTask), named by an inspector's `ArtifactFacts.verify`. Default: none. */
  verifiers?: Readonly<Record<string, TaskRef<VerifyInput, VerifyResult>>>;
}

/** A plugin as the core holds it: the definition with every optional hook filled in. */
export interface ArtifactPlugin
  extends Required<Pick<PluginDefinition, 'type' | 'description' | 'classify' | 'upstreamUrl' | 'upstreamHeaders' | 'canonicalPath' | 'negotiate' | 'indexOf' | 'errorBody'>>,
    Pick<PluginDefinition, 'options' | 'routes' | 'hotReads' | 'upstreamAuth' | 'hosted' | 'mergers' | 'upstreamHosts' | 'verifiers' | 'companions'> {
  readonly rewriters: Readonly<Record<string, TaskRef>>;
  readonly inspectors: Readonly<Record<string, TaskRef>>;
  /**
   * Marks objects made by definePlugin, so the loader can tell them from arbitrary exports: the
   * contract of the SDK that made it (1 for objects made before apiVersion 2). The contract the
   * core applies is the one the package.json declares.
   */
  readonly apiVersion: 1 | 2;
}

/**
 * A JSON schema (draft 2020-12) for the plugin's own repository keys. The core validates each
 * repository of the type against it at config load and in `check-config`, naming the key path
 * (`remotes.pypi.files_url must be an http(s) URL`); a key the schema does not declare is an
 * error. `x-expected` on a property words what a value must be in those messages.
 */
export interface OptionsSchema {
  type?: 'object';
  properties: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  required?: readonly string[];
  description?: string;
}
