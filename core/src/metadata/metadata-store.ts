/** What the cache knows about one path of one repository. */
export interface CacheEntry {
  repo: string;
  path: string;
  /** sha256 hex of the stored bytes. */
  digest: string;
  size: number;
  contentType: string;
  /** Validators the upstream sent, used for conditional revalidation. */
  upstreamEtag: string | null;
  upstreamLastModified: string | null;
  /** When the bytes were fetched or uploaded (ms since epoch). */
  storedAt: number;
  /** When a mutable entry must be revalidated (ms since epoch); null means never. */
  expiresAt: number | null;
  /** Whether the path was classified mutable when stored. */
  mutable: boolean;
  /**
   * Whether the bytes were checked against the digest the artifact's index gives, or there was
   * nothing to check them against. False for a download made while its index could not be read:
   * those bytes are served, checked once the index can be read, and evicted if they differ.
   */
  verified: boolean;
}

/** What the object browser sorts by: the path, the size, how often it was served, when it was stored. */
export type ObjectSort = 'path' | 'size' | 'hits' | 'cached_at';

/** One page request of {@link MetadataStore.browse}: keyset pagination on an index, never OFFSET. */
export interface BrowseQuery {
  repo: string;
  /** Only paths starting with this (literally). */
  prefix?: string;
  /** Only paths containing this (literally, case-sensitive). */
  q?: string;
  sort: ObjectSort;
  order: 'asc' | 'desc';
  limit: number;
  /** The sort value and path of the last row of the previous page; the page starts after it. */
  after?: { value: string | number; path: string };
}

/** An entry with how often it was served from the cache and when last (ms; null before the first). */
export interface BrowsedEntry extends CacheEntry {
  hits: number;
  lastAccess: number | null;
}

/** Hits on one entry counted in memory since the last flush. */
export interface AccessCount {
  repo: string;
  path: string;
  hits: number;
  /** When the hits were counted up to (ms). */
  at: number;
}

/** Objects and bytes per repository, and the blobs they share. */
export interface StoreUsage {
  repositories: Record<string, { objects: number; bytes: number }>;
  /** Distinct digests and their bytes (a blob referenced by many paths counts once). */
  blobs: { count: number; bytes: number };
}

/** A repository created through the management API, as stored. */
export interface StoredRepository {
  name: string;
  kind: 'remote' | 'virtual';
  /** The definition as the client sent it, without `name` (the config block of DESIGN §3). */
  definition: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

/** What a named token may do: `read` (or `write`, which includes read) on the listed repositories, `*` for all. */
export interface TokenScope {
  access: 'read' | 'write';
  repositories: string[];
}

/** A named access token (DESIGN §10) as stored: never the secret, only its SHA-256. */
export interface StoredToken {
  /** Random id, the `{id}` of `DELETE /api/v2/tokens/{id}`. */
  id: string;
  name: string;
  scopes: TokenScope[];
  /** sha256 hex of the secret. */
  hash: string;
  createdAt: number;
  /** ms since epoch; null = never expires. */
  expiresAt: number | null;
  /** ms since epoch, recorded at most once a minute per replica; null before the first use. */
  lastUsedAt: number | null;
}

/** Path → blob metadata. Implementations: `sqlite` (embedded default), `postgres`. */
export interface MetadataStore {
  readonly kind: string;
  get(repo: string, path: string): Promise<CacheEntry | undefined>;
  /** Inserts or replaces the entry for (repo, path). */
  put(entry: CacheEntry): Promise<void>;
  /** Moves an entry's expiry without touching anything else (after a 304 or a stale serve). */
  setExpiry(repo: string, path: string, expiresAt: number | null): Promise<void>;
  /** Removes the entry; resolves to whether there was one. */
  delete(repo: string, path: string): Promise<boolean>;
  /** How many entries point at a blob, for garbage collection. */
  countDigestRefs(digest: string): Promise<number>;
  /**
   * Entries of a repository whose path starts with `prefix` (matched literally: no wildcards, case
   * sensitive), ordered by path in code point order (a binary collation, not the locale's).
   * `from`, when given, skips paths that sort before it (a page's start).
   */
  list(repo: string, prefix?: string, limit?: number, from?: string): Promise<CacheEntry[]>;
  /** A page of a repository's entries in `sort` order, ties broken by path (management API). */
  browse(query: BrowseQuery): Promise<BrowsedEntry[]>;
  /** Adds counted hits to entries (absent ones are skipped) and moves their last access forward. */
  recordAccess(counts: readonly AccessCount[]): Promise<void>;
  /** Objects and bytes per repository, and distinct blobs. */
  usage(): Promise<StoreUsage>;
  /** Every repository created through the management API. */
  listRepositories(): Promise<StoredRepository[]>;
  getRepository(name: string): Promise<StoredRepository | undefined>;
  /** Stores a new repository; resolves to false (and changes nothing) when the name is taken. */
  createRepository(repo: StoredRepository): Promise<boolean>;
  /** Replaces a repository's definition; resolves to false when there is none of that name and kind. */
  replaceRepository(repo: StoredRepository): Promise<boolean>;
  /** Removes a repository; resolves to whether there was one. */
  deleteRepository(name: string): Promise<boolean>;
  /** Every named token, oldest first. */
  listTokens(): Promise<StoredToken[]>;
  /** The token whose secret hashes to `hash`. */
  getTokenByHash(hash: string): Promise<StoredToken | undefined>;
  createToken(token: StoredToken): Promise<void>;
  /** Removes a token; resolves to whether there was one. */
  deleteToken(id: string): Promise<boolean>;
  /** Moves a token's last use forward (never back). */
  touchToken(id: string, at: number): Promise<void>;
  /** Throws when the backend cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
