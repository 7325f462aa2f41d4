import { readGzipMember, type GzipMember } from './gzip-member.js';

/** The most a control member may inflate to; real ones hold a few kilobytes of metadata and scripts. */
const MAX_CONTROL_BYTES = 64 * 1024 * 1024;
const SIGNATURE_PREFIX = '.SIGN.';

/**
 * The control member of an .apk (v2 format: signature, control and data gzip members, the first
 * optional): the second member when the first is the signature (its tar's first entry is
 * `.SIGN.<algorithm>.<key>`), else the first. Only these members are inflated, never the data.
 * Throws TruncatedGzip when `bytes` (a prefix of the file) ends inside them, a SyntaxError when
 * they are not gzip.
 */
export function controlMember(bytes: Uint8Array): GzipMember {
  const first = readGzipMember(bytes, 0, MAX_CONTROL_BYTES);
  if (!firstEntryName(first.content).startsWith(SIGNATURE_PREFIX)) return first;
  return readGzipMember(bytes, first.end, MAX_CONTROL_BYTES);
}

/** The name field of a tar's first header (ustar: 100 bytes, NUL-padded). */
function firstEntryName(tar: Uint8Array): string {
  const field = tar.subarray(0, Math.min(100, tar.byteLength));
  const nul = field.indexOf(0);
  return Buffer.from(field.subarray(0, nul < 0 ? field.byteLength : nul)).toString('latin1');
}
