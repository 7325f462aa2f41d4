import type { Readable } from 'node:stream';
import type { CacheEntry } from '../metadata/metadata-store.js';
import type { ByteRange } from '../storage/blob-store.js';

export type CacheStatus = 'HIT' | 'MISS' | 'REVALIDATED' | 'STALE';

/** What the engine hands the HTTP layer for one artifact request. */
export interface Served {
  cache: CacheStatus;
  source: 'cache' | 'remote';
  /** Status of the upstream exchange this request caused, if any. */
  upstreamStatus?: number;
  /** Undefined while a download of unknown length is in flight. */
  size: number | undefined;
  contentType: string;
  /** Strong validator, quoted; absent until the digest is known. */
  etag?: string;
  /** HTTP date. */
  lastModified?: string;
  /** Request headers the representation depends on (index documents vary by Accept). */
  vary?: string;
  /** Opens the body or a byte range of it; the returned stream must be consumed or destroyed. */
  open(range?: ByteRange): Promise<Readable | Buffer>;
  /** Gives up the body without opening it (HEAD, 304). */
  discard(): void;
}

export function etagOf(digest: string): string {
  return `"${digest}"`;
}

/** The response facts of a stored entry, without its body. */
export function servedFacts(entry: CacheEntry, cache: CacheStatus, source: 'cache' | 'remote', upstreamStatus?: number): Omit<Served, 'open'> {
  return {
    cache,
    source,
    upstreamStatus,
    size: entry.size,
    contentType: entry.contentType,
    etag: etagOf(entry.digest),
    lastModified: entry.upstreamLastModified ?? new Date(entry.storedAt).toUTCString(),
    discard() {},
  };
}
