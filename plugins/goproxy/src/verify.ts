import type { VerifyInput } from '@artifactapi/plugin-sdk';
import { modHash1, zipHash1 } from './dirhash.js';

/** Verifier task: the `h1:` hash of a module zip (worker pool). */
export function verifyZipHash1(input: VerifyInput): string {
  const body = input.body;
  return zipHash1(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
}

/** Verifier task: the `h1:` hash of a go.mod (worker pool). */
export function verifyModHash1(input: VerifyInput): string {
  return modHash1(input.body);
}
