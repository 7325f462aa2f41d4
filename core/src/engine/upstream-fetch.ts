import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ExpectedDigest } from '@artifactapi/plugin-sdk';
import { AapiError } from '../errors.js';
import type { CacheEntry } from '../metadata/metadata-store.js';
import type { BlobStore, BlobWriter } from '../storage/blob-store.js';
import type { UpstreamResponse } from '../upstream/index.js';
import { servedContentType } from './content-type.js';
import { knownRoomFor } from './disk-room.js';
import { bodyBytesPassed, bodyStoreEnded } from './passing-bytes.js';
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
  /** Where the bytes go, opened while the upstream was still answering (`openSink`); else opened here. */
  sink?: Promise<DownloadSink>;
}

/** Where a download's bytes go: the new blob, and the local file clients follow (the blob's own, or a spool). */
export interface DownloadSink {
  writer: BlobWriter;
  /** A local copy for stores without a local file (S3); deleted when the last reader is gone. */
  spool: WriteStream | undefined;
  /** The local file clients follow. */
  file: string;
  /** `file`, opened for reading. */
  reader: FileHandle;
}

/**
 * Opens a new blob and the local file clients will follow. A miss opens it while the upstream
 * request is on its way, so the file is not in front of the first byte; `discardSink` undoes it
 * when the answer is not a body to store.
 */
export async function openSink(deps: StoreDownloadDeps): Promise<DownloadSink> {
  const writer = await deps.blobs.beginWrite(); // the store's own errors, as they are
  let spool: WriteStream | undefined;
  try {
    if (writer.localPath) return { writer, spool, file: writer.localPath, reader: writer.takeLocalReader?.() ?? (await open(writer.localPath, 'r')) };
    const file = join(deps.spoolDir, randomUUID());
    spool = createWriteStream(file);
    await once(spool, 'open');
    return { writer, spool, file, reader: await open(file, 'r') };
  } catch (err) {
    if (spool) await discardSpool(spool);
    await writer.abort().catch(() => {});
    throw new AapiError('AAPI_ERR_STORAGE_UNAVAILABLE', (err as Error).message, { cause: err });
  }
}

/** Undoes `openSink`: nothing of it stays, on disk or in the blob store. */
export async function discardSink(sink: DownloadSink): Promise<void> {
  await sink.reader.close().catch(() => {});
  if (sink.spool) await discardSpool(sink.spool);
  await sink.writer.abort().catch(() => {});
}

async function discardSpool(spool: WriteStream): Promise<void> {
  spool.destroy();
  await unlink(spool.path as string).catch(() => {});
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
  const refused = maxBytes > 0 && declared !== undefined && declared > maxBytes
    ? tooLarge(path, maxBytes)
    : declared === undefined ? undefined : listedSizeProblem(verdict, path, declared);
  if (refused) {
    res.body.destroy();
    if (options.sink) void options.sink.then(discardSink, () => {});
    throw refused;
  }
  // The body is not read when there is nowhere to store it: destroyed, it gives its pooled
  // connection back (left alone, every miss during a storage outage kept one until the pool was full).
  let sink: DownloadSink;
  try {
    sink = await (options.sink ?? openSink(deps));
  } catch (err) {
    res.body.destroy();
    throw err;
  }
  const { writer, spool, file: localFile } = sink;
  // A plugin verifier reads the whole file: clients get nothing before it passes, so a mismatch is a 502.
  const holdAll = verdict.listedCheck !== undefined;
  const body = GrowingBody.over(sink.reader, declared, spool ? localFile : undefined, holdAll);
  // Where the disk clearly has room, clients get the first chunk from memory at once; where it
  // may not, they wait for it to be written, so a full disk is a 503 and not a cut 200.
  body.startsOnDisk = !knownRoomFor(localFile, declared ?? 0);
  // A body that trickles in slowly enough never trips the idle timeout; this bounds the whole.
  const deadline =
    totalMs > 0
      ? setTimeout(() => res.body.destroy(new AapiError('AAPI_ERR_UPSTREAM_TIMEOUT', `${path}: download took longer than ${totalMs / 1000}s`)), totalMs)
      : undefined;
  const check = (result: CopyResult) => verify(verdict, result, path);
  const stored = copyBody(writer, spool, body, res, declared, verdict.expectedDigest?.algorithm, maxBytes > 0 ? maxBytes : Infinity, check).then(
    async (result) => {
      await checkListed(deps.pool, verdict, path, { file: localFile, size: result.size, ready: () => allWritten(body, result.size, spool ?? writer.stream) });
      try {
        if (result.storeFailure) throw result.storeFailure;
        await writer.commit(result.sha256);
      } catch (err) {
        // The spool holds the whole, checked body: clients get it, and nothing is stored.
        if (spool) body.finish();
        throw asStorageError(err);
      }
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
  void stored
    .finally(() => {
      clearTimeout(deadline);
      bodyStoreEnded(body.bytesWritten);
    })
    .catch(() => {});
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
  /** Why the blob store stopped taking the body, which was copied whole to the spool all the same. */
  storeFailure?: Error;
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
  check: (result: CopyResult) => void,
): Promise<CopyResult> {
  const extraAlgorithm = expectedAlgorithm && expectedAlgorithm !== 'sha256' ? expectedAlgorithm : undefined;
  const sha256 = createHash('sha256');
  const extra = extraAlgorithm ? createHash(extraAlgorithm) : undefined;
  const local: Writable = spool ?? writer.stream;
  let targets: Writable[] = spool ? [spool, writer.stream] : [writer.stream];
  let failure: Error | undefined;
  let storeFailure: Error | undefined;
  local.on('error', (err: Error) => (failure ??= err));
  // Beside a spool, clients do not read what the blob store gets: when the store fails (S3 down),
  // the copy goes on into the spool without it, and the body is served whole but not stored.
  if (spool) {
    writer.stream.on('error', (err: Error) => {
      storeFailure ??= err;
      targets = [spool];
    });
  }
  let size = 0;
  let result: CopyResult | undefined;
  const digests = (): CopyResult => ({ size, sha256: sha256.digest('hex'), extra: extra && extraAlgorithm ? { [extraAlgorithm]: extra.digest('hex') } : {} });
  const source = res.body;
  // 'data' events rather than for-await: each chunk reaches the clients at the tail in the same
  // tick it arrives, without the iterator's extra turns (a tenth of a cold miss's first byte).
  const onData = (chunk: Buffer): void => {
    try {
      if (failure) throw failure;
      size += chunk.byteLength;
      if (declared !== undefined && size > declared) {
        throw new AapiError('AAPI_ERR_UPSTREAM_FAILED', `body longer than its Content-Length ${declared}`);
      }
      if (size > maxBytes) throw tooLarge('body', maxBytes);
      sha256.update(chunk);
      extra?.update(chunk);
      // The chunk that completes a declared length is checked before clients get it: a body that
      // arrives in one chunk and fails is then a clean error response, not a cut one. The source
      // is not destroyed for it: it is ending anyway, and when it is a client's upload its
      // connection must stay open for that error response.
      if (size === declared) {
        try {
          check((result = digests()));
        } catch (err) {
          failure ??= err as Error;
          return;
        }
      }
      body.receive(chunk);
      const n = chunk.byteLength;
      bodyBytesPassed(n);
      let full = false;
      for (const t of targets) {
        const ok = t === local ? t.write(chunk, (err) => err || body.append(n)) : t.write(chunk);
        full ||= !ok;
      }
      if (!full) return;
      source.pause();
      Promise.all(targets.filter((t) => t.writableNeedDrain).map((t) => drained(t, t !== local))).then(
        () => source.resume(),
        (err: unknown) => source.destroy(err as Error),
      );
    } catch (err) {
      source.destroy(err as Error);
    }
  };
  source.on('data', onData);
  try {
    await finished(source);
  } catch (err) {
    throw failure ?? asUpstreamError(err);
  } finally {
    source.off('data', onData);
  }
  if (failure) throw failure;
  if (declared !== undefined && size !== declared) {
    throw new AapiError('AAPI_ERR_UPSTREAM_FAILED', `body ended after ${size} of ${declared} bytes`);
  }
  if (!result) check((result = digests()));
  if (spool) await endStream(spool);
  return { ...result, storeFailure };
}

/** Waits for `stream` to drain; with `orFail`, also settles when it fails instead (the caller has dropped it). */
function drained(stream: Writable, orFail: boolean): Promise<unknown> {
  if (!orFail) return once(stream, 'drain');
  return new Promise<void>((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('error', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('error', done);
    stream.on('close', done);
  });
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

function asStorageError(err: unknown): Error {
  if (err instanceof AapiError) return err;
  return new AapiError('AAPI_ERR_STORAGE_UNAVAILABLE', (err as Error).message, { cause: err });
}

function asUpstreamError(err: unknown): Error {
  if (err instanceof AapiError) return err;
  return new AapiError('AAPI_ERR_UPSTREAM_FAILED', `body interrupted: ${(err as Error).message}`, { cause: err });
}
