import type { Readable } from 'node:stream';
import type { Classification } from '@artifactapi/plugin-sdk';
import { AapiError, isAapiError } from '../errors.js';
import type { CacheEntry } from '../metadata/metadata-store.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { UpstreamResponse } from '../upstream/index.js';
import type { EntryStore } from './entry-store.js';
import type { RepoRuntime } from './repo-runtime.js';
import { storeDownload } from './upstream-fetch.js';

export interface PutOptions {
  /** Lower-case hex sha256 the bytes must have. */
  sha256?: string;
  contentType?: string;
  length?: number;
  /** Records the entry as mutable (an index document) whatever `isReference` says. */
  mutable?: boolean;
}

/**
 * Writes to local repositories: uploads stored under the key a GET of the same path reads,
 * verified like downloads, and deletions. Both go through the EntryStore, so every replica sees
 * them at once.
 */
export class LocalWrites {
  constructor(
    private readonly deps: { blobs: BlobStore; spoolDir: string; entries: EntryStore },
  ) {}

  /**
   * Stores an upload; `sha256` (hex) is checked against the bytes. A path the repository would
   * deny is refused rather than stored unreadable. A path the plugin calls a mutable reference
   * (a tag) is recorded as mutable.
   */
  async put(repo: RepoRuntime, requestPath: string, body: Readable, options: PutOptions): Promise<CacheEntry> {
    const path = repo.canonicalPath(requestPath);
    const denied = repo.classify(path);
    if (denied.cache === 'deny') throw new AapiError('AAPI_ERR_PATH_DENIED', `${path} (${denied.reason ?? 'denied'})`);
    const verdict: Classification = {
      cache: 'immutable',
      expectedDigest: options.sha256 ? { algorithm: 'sha256', hex: options.sha256.toLowerCase() } : undefined,
      // Stored under the key a GET looks up (the plugin's cacheKey, else the path).
      ...(denied.cacheKey !== undefined ? { cacheKey: denied.cacheKey } : {}),
    };
    const upload: UpstreamResponse = {
      status: 200,
      url: '',
      body,
      headers: {
        'content-type': options.contentType ?? 'application/octet-stream',
        ...(options.length !== undefined ? { 'content-length': String(options.length) } : {}),
      },
    };
    let entry: CacheEntry;
    try {
      const download = await storeDownload(this.deps, repo, path, verdict, upload);
      entry = { ...(await download.stored), upstreamEtag: null, upstreamLastModified: null, mutable: options.mutable ?? repo.isReference(path) };
    } catch (err) {
      throw uploadError(err);
    }
    await this.deps.entries.record(entry);
    return entry;
  }

  /** Removes a path (any spelling a GET accepts); resolves to whether it existed. */
  async delete(repo: RepoRuntime, requestPath: string): Promise<boolean> {
    const path = repo.canonicalPath(requestPath);
    const entry = await this.deps.entries.lookup(repo.name, repo.classify(path).cacheKey ?? path);
    if (!entry) return false;
    await this.deps.entries.forget(entry);
    return true;
  }
}

/** Upload failures in the words of an upload, not of a download. */
function uploadError(err: unknown): unknown {
  if (!isAapiError(err)) return err;
  if (err.code === 'AAPI_ERR_UPSTREAM_DIGEST') return new AapiError('AAPI_ERR_CHECKSUM_MISMATCH', err.message.replace(/^.*?: /, ''));
  if (err.code === 'AAPI_ERR_UPSTREAM_FAILED') return new AapiError('AAPI_ERR_REQUEST_INVALID', err.message.replace(/^.*?: /, 'upload '));
  return err;
}
