import { RegistryError } from './errors.js';

/**
 * `Content-Range` on an upload PATCH (distribution spec "Pushing a blob in chunks"): an inclusive
 * `<start>-<end>` byte range, which must start where the upload stands; an out-of-order chunk is
 * 416 with the current `Range`, so the client can resume from there. Some clients write the
 * RFC 9110 form (`bytes 0-99/*`), accepted too.
 */

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

const SPEC_FORM = /^([0-9]+)-([0-9]+)$/;
const HTTP_FORM = /^bytes[ =]([0-9]+)-([0-9]+)(?:\/(?:[0-9]+|\*))?$/i;

/** The range, or BLOB_UPLOAD_INVALID (400) when the header is not one. */
export function parseContentRange(header: string): ByteRange {
  const value = header.trim();
  const m = SPEC_FORM.exec(value) ?? HTTP_FORM.exec(value);
  const start = m ? Number(m[1]) : Number.NaN;
  const end = m ? Number(m[2]) : Number.NaN;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) {
    throw new RegistryError('BLOB_UPLOAD_INVALID', { message: 'invalid Content-Range', status: 400, detail: { 'content-range': header } });
  }
  return { start, end };
}

/** `Range: 0-<last byte>` for an upload holding `size` bytes; distribution says `0-0` when empty, and clients expect it. */
export function uploadRangeHeader(size: number): string {
  return `0-${Math.max(0, size - 1)}`;
}

export interface ChunkPlan {
  /** Where the chunk's bytes go: always the upload's current size. */
  start: number;
  /** How many bytes the chunk must carry; undefined for a streamed chunk of unknown length. */
  length?: number;
}

/**
 * Checks a chunk against the upload's current `size` before its body is read. Without
 * Content-Range (docker's streamed PATCH) the chunk is appended. With one, it must start at
 * `size` and end at or after its start (else RANGE_INVALID 416), and a Content-Length must agree
 * with it (else SIZE_INVALID 400).
 */
export function planChunk(size: number, contentRange: string | undefined, contentLength: string | undefined): ChunkPlan {
  const length = parseLength(contentLength);
  if (contentRange === undefined || contentRange === '') return length === undefined ? { start: size } : { start: size, length };
  const range = parseContentRange(contentRange);
  if (range.start !== size || range.end < range.start) {
    throw new RegistryError('RANGE_INVALID', {
      message: `chunk ${range.start}-${range.end} does not continue the upload at byte ${size}`,
      headers: { range: uploadRangeHeader(size) },
      detail: { expectedStart: size },
    });
  }
  const rangeLength = range.end - range.start + 1;
  if (length !== undefined && length !== rangeLength) {
    throw new RegistryError('SIZE_INVALID', { message: `Content-Length ${length} does not match Content-Range ${contentRange}` });
  }
  return { start: size, length: rangeLength };
}

/**
 * After the body is read: the chunk must have carried what it announced (a client cut off mid
 * chunk must not leave a half chunk counted), else SIZE_INVALID. Returns the new upload size.
 */
export function completeChunk(plan: ChunkPlan, received: number): number {
  if (plan.length !== undefined && received !== plan.length) {
    throw new RegistryError('SIZE_INVALID', { message: `chunk announced ${plan.length} bytes and carried ${received}` });
  }
  return plan.start + received;
}

function parseLength(header: string | undefined): number | undefined {
  if (header === undefined || header === '') return undefined;
  if (!/^[0-9]+$/.test(header.trim())) throw new RegistryError('SIZE_INVALID', { message: 'invalid Content-Length', detail: { 'content-length': header } });
  return Number(header.trim());
}
