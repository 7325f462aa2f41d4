import type { Readable } from 'node:stream';
import type { PluginReply, PluginRequest } from './routes.js';
import type { PublishRequest } from './hosted.js';

/** A repository as the engine service resolves it by name. */
export interface RepositoryRef {
  name: string;
  /** `remote` caches an upstream, `local` hosts uploads, `virtual` answers from its members in order. */
  kind: 'remote' | 'local' | 'virtual';
  /** Package type (the plugin's `type`). */
  package: string;
  /** Member names in the order they are tried (virtual repositories only). */
  members?: readonly string[];
  /** Upstream base URL without a trailing slash (remote repositories; empty otherwise). */
  baseUrl: string;
  /** The plugin's keys of the repository's config block, as hooks see them in `RepoInfo.options`. */
  options: Readonly<Record<string, unknown>>;
  /** The repository's `quarantine_days` (0 when off; always 0 for virtual repositories, whose members carry their own). */
  quarantineDays: number;
}

/** What the engine answers for a path; its body stays with the core until `send` or `read`. */
export interface ServedArtifact {
  /** `HIT`, `MISS`, `REVALIDATED` or `STALE`; sent as X-Artifact-Cache. */
  cache: 'HIT' | 'MISS' | 'REVALIDATED' | 'STALE';
  /** Sent as X-Artifact-Source. */
  source: 'cache' | 'remote';
  /** Undefined while a download of unknown length is in flight. */
  size: number | undefined;
  contentType: string;
  /** Strong validator, quoted (`"<sha256 hex>"` for stored bytes). */
  etag?: string;
  lastModified?: string;
  /** The member of a virtual repository that answered. */
  member?: string;
  /** Gives up the body without reading it; `send` and `read` do this themselves. */
  discard(): void;
}

/** The client side of a `get`: what index documents are rewritten for. */
export interface ArtifactRequest {
  /** Request headers (lower-case names), for content negotiation of index documents. */
  headers?: Readonly<Record<string, string | undefined>>;
  /**
   * Public URL of the repository as the client addresses it, without a trailing slash; needed
   * only for paths that are rewritten index documents. Default: the server's public origin
   * followed by `/api/v1/remote/{repo}` (or `/virtual/`).
   */
  publicBase?: string;
}

/** A stored object of a repository, as `list` reports it. */
export interface StoredObject {
  path: string;
  size: number;
  /** `sha256:<hex>`. */
  digest: string;
  contentType: string;
  /** ms since epoch. */
  storedAt: number;
  /** ms since epoch, or null when it never expires. */
  expiresAt: number | null;
  mutable: boolean;
}

/** Options of a `put` to a local repository. */
export interface PutOptions {
  /** Lower-case hex sha256 the bytes must have; a mismatch stores nothing (AAPI_ERR_CHECKSUM_MISMATCH). */
  sha256?: string;
  contentType?: string;
  /** Declared length; a body of another length stores nothing. */
  length?: number;
}

/** How `send` writes a served artifact. */
export interface SendOptions {
  /** `Content-Disposition` file name. */
  fileName?: string;
  /** Headers added before the product's own. */
  headers?: Readonly<Record<string, string>>;
  /**
   * The client follows redirects to another host (registry clients do): when the operator set
   * `storage.redirect`, a GET of stored bytes is answered with a 307 to the blob store.
   */
  redirect?: boolean;
}

/** Which cached objects `evict` drops: one path, or every path under a prefix. */
export type EvictTarget = { path: string } | { prefix: string };

/**
 * The engine as plugins reach it: repositories by name, and the operations of DESIGN §4 on them.
 * Every operation keeps the memory tier and the other replicas right. Failures are thrown as
 * {@link EngineError}s.
 */
export interface EngineService {
  /** The repository named `name` (remote, local or virtual), or undefined. */
  resolve(name: string): RepositoryRef | undefined;
  /**
   * A path of a repository, through the cache: for a virtual one, from the first member that has
   * it, or merged from the members when the plugin has a merger for its index kind.
   */
  get(repo: string, path: string, request?: ArtifactRequest): Promise<ServedArtifact>;
  /** Stores bytes under a path of a local repository. */
  put(repo: string, path: string, body: Readable, options?: PutOptions): Promise<StoredObject>;
  /**
   * A publish that updates an index document (npm publish, twine upload, helm push): stores the
   * files, then runs the type's `hosted.publish[kind]` task in the worker pool on the current
   * index and stores its result at `indexPath` as a mutable entry. Publishes of one index run one
   * at a time across replicas; files come first, so a reader never sees an index naming a missing
   * file. A task that throws stores no index and removes the files this publish added
   * (AAPI_ERR_PLUGIN_FAILED; a SyntaxError is AAPI_ERR_REQUEST_INVALID).
   */
  publish(repo: string, request: PublishRequest): Promise<{ index: StoredObject; files: StoredObject[] }>;
  /** Removes a path of a local repository; resolves to whether it existed. */
  delete(repo: string, path: string): Promise<boolean>;
  /** Stored objects of a remote or local repository, ordered by path; pass `nextCursor` back for the next page. */
  list(repo: string, options?: { prefix?: string; limit?: number; cursor?: string }): Promise<{ objects: StoredObject[]; nextCursor?: string }>;
  /** Drops cached objects so the next request goes upstream, on every replica. */
  evict(repo: string, target: EvictTarget): Promise<{ evicted: number }>;
  /**
   * Writes a served artifact as the product does: X-Artifact-Source / -Cache, Content-Type,
   * Content-Length, ETag, Last-Modified, and the client's Range, If-None-Match,
   * If-Modified-Since and HEAD. `headers` are added first (e.g. Docker-Content-Digest).
   */
  send(request: PluginRequest, reply: PluginReply, served: ServedArtifact, options?: SendOptions): Promise<void>;
  /** The whole body of a served artifact in memory (manifests, documents); refuses bodies above `maxBytes` (default 16 MiB). */
  read(served: ServedArtifact, maxBytes?: number): Promise<Buffer>;
}

/** An error the engine throws: a stable code and the HTTP status the product would answer. */
export interface EngineError extends Error {
  /** `AAPI_ERR_…`, listed in docs/errors.md. */
  code: string;
  status: number;
  /** Headers the product would send with it (e.g. WWW-Authenticate, Content-Range). */
  headers: Readonly<Record<string, string>>;
}

/** Whether a thrown value is an {@link EngineError}, so a plugin can map it to its own error format. */
export function isEngineError(err: unknown): err is EngineError {
  return err instanceof Error && typeof (err as Partial<EngineError>).code === 'string' && typeof (err as Partial<EngineError>).status === 'number';
}
