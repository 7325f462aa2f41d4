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
  /** Throws when the backend cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
