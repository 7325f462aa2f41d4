import type { CacheEntry } from './metadata-store.js';

/**
 * A row of `entries`, the same table in every SQL store. Drivers differ only in scalar types:
 * pg returns int8 columns as strings and `mutable` / `verified` as booleans, node:sqlite
 * returns numbers and 0 or 1 (in rows with a null prototype, which {@link fromRow} does not copy).
 */
export interface EntryRow {
  repo: string;
  path: string;
  digest: string;
  size: string | number;
  content_type: string;
  upstream_etag: string | null;
  upstream_last_modified: string | null;
  stored_at: string | number;
  expires_at: string | number | null;
  mutable: boolean | number;
  verified: boolean | number;
}

/** Column list in the order of {@link toParams}. */
export const ENTRY_COLUMNS =
  'repo, path, digest, size, content_type, upstream_etag, upstream_last_modified, stored_at, expires_at, mutable, verified';

/** Positional values in {@link ENTRY_COLUMNS} order, for a driver that binds booleans (pg's `$1..$11`). */
export function toParams(e: CacheEntry): unknown[] {
  return [
    e.repo,
    e.path,
    e.digest,
    e.size,
    e.contentType,
    e.upstreamEtag ?? null,
    e.upstreamLastModified ?? null,
    e.storedAt,
    e.expiresAt ?? null,
    e.mutable,
    e.verified,
  ];
}

/**
 * Converts int8 columns explicitly rather than installing a global pg type parser, which would
 * change what every other pg user in the process receives. Values stay below 2^53 (bytes, milliseconds).
 */
export function fromRow(r: EntryRow): CacheEntry {
  return {
    repo: r.repo,
    path: r.path,
    digest: r.digest,
    size: Number(r.size),
    contentType: r.content_type,
    upstreamEtag: r.upstream_etag,
    upstreamLastModified: r.upstream_last_modified,
    storedAt: Number(r.stored_at),
    expiresAt: r.expires_at === null ? null : Number(r.expires_at),
    mutable: Boolean(r.mutable),
    verified: Boolean(r.verified),
  };
}
