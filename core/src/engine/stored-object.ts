import type { StoredObject } from '@artifactapi/plugin-sdk';
import type { CacheEntry } from '../metadata/metadata-store.js';

/** A metadata entry as the SDK's engine service reports it. */
export function storedObject(entry: CacheEntry): StoredObject {
  return {
    path: entry.path,
    size: entry.size,
    digest: `sha256:${entry.digest}`,
    contentType: entry.contentType,
    storedAt: entry.storedAt,
    expiresAt: entry.expiresAt,
    mutable: entry.mutable,
  };
}
