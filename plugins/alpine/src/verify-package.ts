import { open, type FileHandle } from 'node:fs/promises';
import type { VerifyInput, VerifyResult } from '@artifactapi/plugin-sdk';
import { apkChecksumOf, parseApkChecksum } from './apk-checksum.js';
import { controlMember } from './apk-package.js';
import { TruncatedGzip } from './gzip-member.js';

/** How much of the file is read first: signature and control members are usually a few KB. */
const FIRST_READ = 256 * 1024;

/**
 * Verifier task `apk-control` (runs in the worker pool): whether a downloaded .apk's control
 * member hashes to the `C:` its index lists. Reads only the file's head, more when the control
 * member is longer; anything that is not a readable .apk is a mismatch.
 */
export async function verifyApkControl(input: VerifyInput): Promise<VerifyResult> {
  const want = parseApkChecksum(input.expected);
  if (!want) return { ok: false, actual: `no checksum the index could vouch for (C:${input.expected})` };
  const handle = await open(input.file, 'r');
  try {
    for (let length = FIRST_READ; ; length *= 4) {
      const bytes = await readHead(handle, length);
      try {
        const member = controlMember(bytes);
        const actual = apkChecksumOf(bytes.subarray(member.start, member.end), want);
        return { ok: actual === (want.algorithm === 'md5' ? want.encoded : input.expected), actual };
      } catch (err) {
        if (err instanceof TruncatedGzip && bytes.byteLength === length) continue; // the file goes on
        if (err instanceof TruncatedGzip || err instanceof SyntaxError) return { ok: false, actual: `not an apk package (${err.message})` };
        throw err;
      }
    }
  } finally {
    await handle.close();
  }
}

/** Up to `length` bytes from the start of the file; fewer at its end. */
async function readHead(handle: FileHandle, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}
