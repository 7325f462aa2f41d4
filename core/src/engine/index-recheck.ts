import type { Classification, PluginLogger } from '@artifactapi/plugin-sdk';
import type { CacheEntry } from '../metadata/metadata-store.js';
import type { BlobStore } from '../storage/blob-store.js';
import { backendError, isMissing } from './backend-errors.js';
import type { EntryStore } from './entry-store.js';
import { hashBlob } from './hash-blob.js';
import { checkStored } from './listed-check.js';
import type { WorkerPool } from '../workers/index.js';
import type { IndexDocuments } from './index-documents.js';
import type { RepoRuntime } from './repo-runtime.js';

/**
 * Checks bytes stored while their index could not be read, now that it may be: resolves to the
 * entry marked verified, to the entry as it was while the index is still unreadable, or to
 * undefined when the bytes differ from the index's digest and were evicted.
 */
export async function recheckAgainstIndex(
  deps: { documents: IndexDocuments; entries: EntryStore; blobs: BlobStore; log: PluginLogger; pool?: WorkerPool; spoolDir: string },
  repo: RepoRuntime,
  path: string,
  verdict: Classification,
  entry: CacheEntry,
): Promise<CacheEntry | undefined> {
  const checked = await deps.documents.verdictFor(repo, path, verdict);
  if (checked.indexUnavailable) return entry;
  const listedProblem = await checkStored(deps, checked, path, entry).catch((err: unknown) => {
    if (isMissing(err)) return undefined; // serving finds it gone and forgets it
    throw err;
  });
  if (listedProblem) {
    deps.log.warn({ repo: repo.name, path, problem: listedProblem.message }, 'cached bytes do not match their index; evicted');
    await deps.entries.forget(entry);
    return undefined;
  }
  const expected = checked.expectedDigest;
  if (expected) {
    let actual: string;
    try {
      actual = expected.algorithm === 'sha256' ? entry.digest : await hashBlob(deps.blobs, entry.digest, expected.algorithm);
    } catch (err) {
      if (isMissing(err)) return entry; // serving finds it gone and forgets it
      throw backendError('AAPI_ERR_STORAGE_UNAVAILABLE', err);
    }
    if (actual !== expected.hex.toLowerCase()) {
      deps.log.warn({ repo: repo.name, path, expected: `${expected.algorithm}:${expected.hex}`, actual }, 'cached bytes do not match their index; evicted');
      await deps.entries.forget(entry);
      return undefined;
    }
  }
  const verified: CacheEntry = { ...entry, verified: true };
  await deps.entries.record(verified).catch((err: unknown) => deps.log.warn({ err, repo: repo.name, path }, 'checked bytes could not be marked verified'));
  return verified;
}
