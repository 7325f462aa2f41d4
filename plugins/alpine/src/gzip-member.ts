import { inflateRawSync, type ZlibOptions } from 'node:zlib';

/** One gzip member of a concatenation (.apk, APKINDEX.tar.gz): where its bytes lie and what they inflate to. */
export interface GzipMember {
  start: number;
  /** Offset just past the member's 8-byte trailer: where the next member starts. */
  end: number;
  content: Buffer;
}

/** The bytes end inside the member: read more of the file and try again. */
export class TruncatedGzip extends Error {
  override readonly name = 'TruncatedGzip';
}

const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
const TRAILER = 8;

/**
 * Reads the gzip member that starts at `start` (RFC 1952). gzip records no compressed length, so
 * the member's end is found by inflating it: the raw inflater stops at the end of the deflate
 * stream and reports how much input it consumed. Throws TruncatedGzip when `bytes` ends first,
 * and a SyntaxError when the bytes are not gzip or inflate to more than `maxOutput`.
 */
export function readGzipMember(bytes: Uint8Array, start: number, maxOutput: number): GzipMember {
  const body = start + headerLength(bytes, start);
  let inflated: { buffer: Buffer; engine: { bytesWritten: number } };
  try {
    const options: ZlibOptions & { info: true } = { info: true, maxOutputLength: maxOutput };
    inflated = inflateRawSync(bytes.subarray(body), options) as unknown as typeof inflated;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'Z_BUF_ERROR') throw new TruncatedGzip(`gzip member at ${start} is cut short`);
    throw new SyntaxError(`gzip member at ${start} does not inflate: ${(err as Error).message}`);
  }
  const end = body + inflated.engine.bytesWritten + TRAILER;
  if (end > bytes.byteLength) throw new TruncatedGzip(`gzip member at ${start} is cut short in its trailer`);
  return { start, end, content: inflated.buffer };
}

/** The length of the member header at `start`: 10 bytes plus the optional fields its flags announce. */
function headerLength(bytes: Uint8Array, start: number): number {
  if (bytes.byteLength - start < 10) throw new TruncatedGzip(`gzip header at ${start} is cut short`);
  if (bytes[start] !== 0x1f || bytes[start + 1] !== 0x8b || bytes[start + 2] !== 8) {
    throw new SyntaxError(`no gzip member (deflate) at offset ${start}`);
  }
  const flags = bytes[start + 3]!;
  let at = start + 10;
  if (flags & FEXTRA) {
    if (at + 2 > bytes.byteLength) throw new TruncatedGzip('gzip extra field is cut short');
    at += 2 + (bytes[at]! | (bytes[at + 1]! << 8));
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flags & flag)) continue;
    const nul = bytes.indexOf(0, at);
    if (nul < 0) throw new TruncatedGzip('gzip header string is cut short');
    at = nul + 1;
  }
  if (flags & FHCRC) at += 2;
  if (at > bytes.byteLength) throw new TruncatedGzip('gzip header is cut short');
  return at - start;
}
