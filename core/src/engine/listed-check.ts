import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { VerifyInput, VerifyResult } from '@artifactapi/plugin-sdk';
import { AapiError } from '../errors.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { WorkerPool } from '../workers/index.js';
import type { GrowingBody } from './growing-body.js';
import type { CheckedVerdict } from './index-documents.js';

/** The refusal for a body whose length is not the one its index lists, or undefined when it is (or none is listed). */
export function listedSizeProblem(verdict: CheckedVerdict, path: string, size: number): AapiError | undefined {
  if (verdict.listedSize === undefined || verdict.listedSize === size) return undefined;
  return new AapiError('AAPI_ERR_UPSTREAM_DIGEST', `${path}: the index lists ${verdict.listedSize} bytes, the upstream sent ${size}`);
}

/** The downloaded file a verifier reads. */
export interface LocalDownload {
  file: string;
  size: number;
  /** Resolves once every byte has reached the file. */
  ready?: () => Promise<void>;
}

/**
 * What the index lists beyond a whole-body digest: the exact size, and the plugin's verifier run
 * in the worker pool over the complete local file. Throws AAPI_ERR_UPSTREAM_DIGEST on a mismatch,
 * AAPI_ERR_PLUGIN_FAILED when the verifier itself fails; either way nothing is committed.
 */
export async function checkListed(pool: WorkerPool | undefined, verdict: CheckedVerdict, path: string, local: LocalDownload): Promise<void> {
  const sizeProblem = listedSizeProblem(verdict, path, local.size);
  if (sizeProblem) throw sizeProblem;
  const check = verdict.listedCheck;
  if (!check) return;
  if (!pool) throw new AapiError('AAPI_ERR_PLUGIN_FAILED', `${path}: verifier "${check.verifier}" cannot run here`);
  await local.ready?.();
  let result: VerifyResult;
  try {
    result = await pool.run<VerifyInput, VerifyResult>(check.task, { file: local.file, expected: check.expected, path });
  } catch (err) {
    throw new AapiError('AAPI_ERR_PLUGIN_FAILED', `verifier "${check.verifier}" on ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (result?.ok !== true) {
    throw new AapiError('AAPI_ERR_UPSTREAM_DIGEST', `${path}: ${check.verifier} expected ${check.expected}, got ${result?.actual ?? 'something else'}`);
  }
}

/**
 * Resolves once the local file holds all `size` bytes, as counted by its write callbacks: the copy
 * loop returns before the last writes land. An error of the writing stream ends the wait.
 */
export function allWritten(body: GrowingBody, size: number, stream: Writable): Promise<void> {
  if (body.bytesWritten >= size) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      off();
      stream.off('error', done);
      if (err) reject(err);
      else resolve();
    };
    const off = body.onWritten(() => {
      if (body.bytesWritten >= size) done();
    });
    stream.once('error', done);
  });
}

/**
 * {@link checkListed} for bytes already stored (stored unverified while their index could not be
 * read): resolves to the mismatch, or undefined when they pass. The verifier reads a spool copy.
 */
export async function checkStored(
  deps: { pool?: WorkerPool; blobs: BlobStore; spoolDir: string },
  verdict: CheckedVerdict,
  path: string,
  entry: { digest: string; size: number },
): Promise<AapiError | undefined> {
  const sizeProblem = listedSizeProblem(verdict, path, entry.size);
  if (sizeProblem || !verdict.listedCheck) return sizeProblem;
  const file = join(deps.spoolDir, randomUUID());
  try {
    await pipeline(await deps.blobs.read(entry.digest), createWriteStream(file));
    await checkListed(deps.pool, verdict, path, { file, size: entry.size });
    return undefined;
  } catch (err) {
    if (err instanceof AapiError && err.code === 'AAPI_ERR_UPSTREAM_DIGEST') return err;
    throw err;
  } finally {
    await rm(file, { force: true });
  }
}
