import { LRUCache } from 'lru-cache';
import type { CacheEntry } from '../metadata/metadata-store.js';

export interface HotCacheLimits {
  max_bytes: number;
  max_object_bytes: number;
  max_entries: number;
}

/**
 * The in-memory tier that serves hot hits without touching the metadata store or the disk:
 * path entries by (repo, path), and the bytes of small blobs by digest. Entries are shared by
 * reference, so callers must not mutate them.
 */
export class HotCache {
  private readonly entries: LRUCache<string, CacheEntry>;
  private readonly blobs: LRUCache<string, Buffer> | undefined;
  readonly maxObjectBytes: number;

  constructor(limits: HotCacheLimits) {
    this.entries = new LRUCache({ max: Math.max(1, limits.max_entries) });
    this.maxObjectBytes = limits.max_bytes > 0 ? limits.max_object_bytes : 0;
    this.blobs =
      limits.max_bytes > 0
        ? new LRUCache({ maxSize: limits.max_bytes, sizeCalculation: (b) => Math.max(1, b.byteLength) })
        : undefined;
  }

  static key(repo: string, path: string): string {
    return `${repo}\u0000${path}`;
  }

  getEntry(key: string): CacheEntry | undefined {
    return this.entries.get(key);
  }

  setEntry(entry: CacheEntry): void {
    this.entries.set(HotCache.key(entry.repo, entry.path), entry);
  }

  deleteEntry(key: string): void {
    this.entries.delete(key);
  }

  /** Drops every entry whose key starts with `keyPrefix` (a repository and path prefix). */
  deletePrefix(keyPrefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(keyPrefix)) this.entries.delete(key);
  }

  getBlob(digest: string): Buffer | undefined {
    return this.blobs?.get(digest);
  }

  /** Keeps a blob's bytes when it is small enough to be worth memory. */
  offerBlob(digest: string, bytes: Buffer): void {
    if (this.blobs && bytes.byteLength <= this.maxObjectBytes) this.blobs.set(digest, bytes);
  }

  wantsBlob(size: number): boolean {
    return this.blobs !== undefined && size <= this.maxObjectBytes;
  }

  clear(): void {
    this.entries.clear();
    this.blobs?.clear();
  }
}
