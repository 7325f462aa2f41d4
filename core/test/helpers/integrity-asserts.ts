import { createHash } from 'node:crypto';
import type { ExecutionContext } from 'ava';
import { blobFiles, eventually, tmpFilesWithBytes } from './data-dir.js';
import type { HashedResponse } from './hashed-get.js';

/**
 * Asserts a failed download did not pass for a good one: either an error status, or a 200 that
 * broke off before its end and whose bytes so far are exactly the start of `body`.
 */
export function assertBrokenOff(t: ExecutionContext, r: HashedResponse, body: Uint8Array, label = 'response'): void {
  if (r.status === 200) {
    t.false(r.complete, `${label}: a 200 must not end as if complete`);
    t.true(r.size < body.byteLength, `${label}: ${r.size} bytes received, fewer than the ${body.byteLength} of the file`);
    t.is(r.sha256, sha256(body.subarray(0, r.size)), `${label}: the bytes received are the start of the file`);
  } else {
    t.true(r.status >= 500 || r.status === 0, `${label}: status ${r.status} is an error`);
  }
}

/** Asserts a response carried `body` exactly and completely. */
export function assertWhole(t: ExecutionContext, r: HashedResponse, body: Uint8Array, label = 'response'): void {
  t.is(r.status, 200, `${label}: status (${r.text ?? r.error?.message ?? ''})`);
  t.true(r.complete, `${label}: complete (${r.error?.message ?? ''})`);
  t.is(r.size, body.byteLength, `${label}: size`);
  t.is(r.sha256, sha256(body), `${label}: bytes`);
}

/** Asserts nothing was committed under `<data>/blobs` and the temp files are gone (they may go shortly after the response). */
export async function assertNothingStored(t: ExecutionContext, dataDir: string): Promise<void> {
  t.true(await eventually(async () => (await tmpFilesWithBytes(dataDir)).length === 0), `temp files left: ${(await tmpFilesWithBytes(dataDir)).join(', ')}`);
  t.deepEqual(await blobFiles(dataDir), [], 'no blob committed');
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
