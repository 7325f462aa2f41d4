import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { ExpectedDigest } from '@artifactapi/plugin-sdk';
import { AapiError } from '../errors.js';
import type { CacheEntry } from '../metadata/metadata-store.js';
import type { BlobStore, BlobWriter } from '../storage/blob-store.js';
import type { UpstreamResponse } from '../upstream/index.js';
import { servedContentType } from './content-type.js';
import { GrowingBody } from './growing-body.js';
import type { WorkerPool } from '../workers/index.js';
import type { CheckedVerdict } from './index-documents.js';
import { allWritten, checkListed, listedSizeProblem } from './listed-check.js';
import type { RepoRuntime } from './repo-runtime.js';

export interface StoreDownloadDeps {
  blobs: BlobStore;
  spoolDir: string;
  /** Runs plugin verifiers (CheckedVerdict.listedCheck); without it a download that needs one is refused. */
  pool?: WorkerPool;
}

/** What `storeDownload` does besides storing. */
export interface StoreOptions {
  /** Makes the entry visible; runs before readers get the final byte. */
  publish?: (entry: CacheEntry) => Promise<void>;
  /** Largest body accepted; a longer one fails with AAPI_ERR_UPSTREAM_TOO_LARGE. 0 or absent = none. */
  maxBytes?: number;
  /** Milliseconds the whole body may take; 0 or absent = none. */
  totalMs?: number;
}

/** A download whose bytes are being stored; `body` is readable at once, `stored` settles when committed. */
export interface StoringDownload {
  body: GrowingBody;
  stored: Promise<CacheEntry>;
}

/**
 * Starts copying a 200 response into a new blob while clients read it through `body`. The blob
 * is committed only when the length matches the declared Content-Length and the digest matches
 * what the plugin expects, and stays within the size and time limits; otherwise it is discarded
 * and `stored` rejects. `publish` runs before readers get the final byte, so a client that has a
 * whole body can count on every replica finding the entry.
 */
export async function storeDownload(
  deps: StoreDownloadDeps,
  repo: RepoRuntime,
  path: string,
  verdict: CheckedVerdict,
  res: UpstreamResponse,
  options: StoreOptions = {},
): Promise<StoringDownload> {
  const { publish = async () => {}, maxBytes = 0, totalMs = 0 } = options;
  const declared = parseLength(res.headers['content-length']);
  if (maxBytes > 0 && declared !== undefined && declared > maxBytes) {
    res.body.destroy();
    throw tooLarge(path, maxBytes);
  }
  const sizeProblem = declared === undefined ? undefined : listedSizeProblem(verdict, path, declared);
  if (sizeProblem) {
    res.body.destroy();
    throw sizeProblem;
  }
  // The body is not read when there is nowhere to store it: destroyed, it gives its pooled
  // connection back (left alone, every miss during a storage outage kept one until the pool was full).
  const writer = await deps.blobs.beginWrite().catch((err: unknown) => {
    res.body.destroy();
    throw err;
  });
  let spool: WriteStream | undefined;
  let body: GrowingBody;
  let localFile = writer.localPath;
  // A plugin verifier reads the whole file: clients get nothing before it passes, so a mismatch is a 502.
  const holdAll = verdict.listedCheck !== undefined;
  try {
    if (writer.localPath) {
      body = await GrowingBody.open(writer.localPath, declared, false, holdAll);
    } else {
      const spoolPath = join(deps.spoolDir, randomUUID());
      localFile = spoolPath;
      spool = createWriteStream(spoolPath);
      await once(spool, 'open');
      body = await GrowingBody.open(spoolPath, declared, true, holdAll);
    }
  } catch (err) {
    spool?.destroy();
    await writer.abort();
    res.body.destroy();
    throw new AapiError('AAPI_ERR_STORAGE_UNAVAILABLE', (err as Error).message, { cause: err });
  }
  // A body that trickles in slowly enough never trips the idle timeout; this bounds the whole.
  const deadline =
    totalMs > 0
      ? setTimeout(() => res.body.destroy(new AapiError('AAPI_ERR_UPSTREAM_TIMEOUT', `${path}: download took longer than ${totalMs / 1000}s`)), totalMs)
      : undefined;
  const stored = copyBody(writer, spool, body, res, declared, verdict.expectedDigest?.algorithm, maxBytes > 0 ? maxBytes : Infinity).then(
    async (result) => {
      verify(verdict, result, path);
      await checkListed(deps.pool, verdict, path, { file: localFile!, size: result.size, ready: () => allWritten(body, result.size, spool ?? writer.stream) });
      await writer.commit(result.sha256);
      spool?.end();
      const now = Date.now();
      const mutable = verdict.cache === 'mutable';
      const entry: CacheEntry = {
        repo: repo.name,
        path: verdict.cacheKey ?? path,
        digest: result.sha256,
        size: result.size,
        contentType: servedContentType(res.headers['content-type'], verdict.contentType),
        upstreamEtag: res.headers.etag ?? null,
        upstreamLastModified: res.headers['last-modified'] ?? null,
        storedAt: now,
        expiresAt: repo.expiryFor(mutable, now),
        mutable,
        verified: verdict.indexUnavailable !== true,
      };
      await publish(entry);
      body.finish();
      body.release();
      return entry;
    },
  );
  void stored.finally(() => clearTimeout(deadline)).catch(() => {});
  stored.catch(async (err: Error) => {
    body.fail(err);
    body.release();
    spool?.destroy();
    res.body.destroy();
    await writer.abort().catch(() => {});
  });
  return { body, stored };
}

interface CopyResult {
  size: number;
  sha256: string;
  extra: Record<string, string>;
}

/**
 * Streams the body into the blob (and the spool), hashing each chunk as it passes. bench/hashing.js
 * decided this: per-chunk hashing on the event loop cost hits less than hashing the finished file,
 * inline or in the worker pool.
 */
async function copyBody(
  writer: BlobWriter,
  spool: WriteStream | undefined,
  body: GrowingBody,
  res: UpstreamResponse,
  declared: number | undefined,
  expectedAlgorithm: ExpectedDigest['algorithm'] | undefined,
  maxBytes: number,
): Promise<CopyResult> {
  const extraAlgorithm = expectedAlgorithm && expectedAlgorithm !== 'sha256' ? expectedAlgorithm : undefined;
  const sha256 = createHash('sha256');
  const extra = extraAlgorithm ? createHash(extraAlgorithm) : undefined;
  const local: Writable = spool ?? writer.stream;
  const targets: Writable[] = spool ? [spool, writer.stream] : [writer.stream];
  let failure: Error | undefined;
  const onError = (err: Error) => (failure ??= err);
  for (const t of targets) t.on('error', onError);
  let size = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      if (failure) throw failure;
      size += chunk.byteLength;
      if (declared !== undefined && size > declared) {
        throw new AapiError('AAPI_ERR_UPSTREAM_FAILED', `body longer than its Content-Length ${declared}`);
      }
      if (size > maxBytes) throw tooLarge('body', maxBytes);
      sha256.update(chunk);
      extra?.update(chunk);
      const n = chunk.byteLength;
      let full = false;
      for (const t of targets) {
        const ok = t === local ? t.write(chunk, (err) => err || body.append(n)) : t.write(chunk);
        full ||= !ok;
      }
      if (full) await Promise.all(targets.filter((t) => t.writableNeedDrain).map((t) => once(t, 'drain')));
    }
  } catch (err) {
    throw failure ?? asUpstreamError(err);
  }
  if (failure) throw failure;
  if (declared !== undefined && size !== declared) {
    throw new AapiError('AAPI_ERR_UPSTREAM_FAILED', `body ended after ${size} of ${declared} bytes`);
  }
  if (spool) await endStream(spool);
  return { size, sha256: sha256.digest('hex'), extra: extra && extraAlgorithm ? { [extraAlgorithm]: extra.digest('hex') } : {} };
}

function verify(verdict: CheckedVerdict, result: CopyResult, path: string): void {
  const expected = verdict.expectedDigest;
  if (!expected) return;
  const actual = expected.algorithm === 'sha256' ? result.sha256 : result.extra[expected.algorithm];
  if (expected.hex.toLowerCase() !== actual) {
    throw new AapiError('AAPI_ERR_UPSTREAM_DIGEST', `${path}: expected ${expected.algorithm} ${expected.hex}, got ${actual}`);
  }
}

async function endStream(stream: Writable): Promise<void> {
  if (stream.writableFinished) return;
  await new Promise<void>((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}

function tooLarge(what: string, maxBytes: number): AapiError {
  return new AapiError('AAPI_ERR_UPSTREAM_TOO_LARGE', `${what} is larger than the limit of ${maxBytes} bytes (max_body_size)`);
}

function parseLength(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

function asUpstreamError(err: unknown): Error {
  if (err instanceof AapiError) return err;
  return new AapiError('AAPI_ERR_UPSTREAM_FAILED', `body interrupted: ${(err as Error).message}`, { cause: err });
}
