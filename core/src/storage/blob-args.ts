import { AapiError } from '../errors.js';
import type { ByteRange, Sha256Hex } from './blob-store.js';

/** A sha256 digest as blob stores name blobs: 64 lower-case hex digits. */
export const DIGEST = /^[0-9a-f]{64}$/;

/** Rejects anything but 64 lower-case hex digits, so no digest can name a path or key outside the store. */
export function assertDigest(digest: Sha256Hex): void {
  if (typeof digest !== 'string' || !DIGEST.test(digest)) {
    throw new AapiError('AAPI_ERR_REQUEST_INVALID', `not a lower-case hex sha256 digest: ${JSON.stringify(digest)}`);
  }
}

/** Rejects a range that no blob could satisfy (negative, reversed, not an integer). */
export function assertRange(range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new AapiError('AAPI_ERR_RANGE_NOT_SATISFIABLE', `bytes=${start}-${end}`);
  }
}
