import { readFileSync } from 'node:fs';
import type { VerifyInput, VerifyResult } from '@artifactapi/plugin-sdk';
import { modHash1, zipHash1 } from './dirhash.js';

/** Verifier task: a downloaded module zip against the `h1:` hash its checksum database lists (worker pool). */
export function verifyZipHash1(input: VerifyInput): VerifyResult {
  return compare(input, (bytes) => zipHash1(bytes));
}

/** Verifier task: a downloaded go.mod against the `h1:` hash its checksum database lists (worker pool). */
export function verifyModHash1(input: VerifyInput): VerifyResult {
  return compare(input, (bytes) => modHash1(bytes));
}

/** Bytes that cannot be read as what they should be (a zip that is not one) are a mismatch, not a failure. */
function compare(input: VerifyInput, hash: (bytes: Buffer) => string): VerifyResult {
  let actual: string;
  try {
    actual = hash(readFileSync(input.file));
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    return { ok: false, actual: `unreadable (${err.message})` };
  }
  return actual === input.expected ? { ok: true } : { ok: false, actual };
}
