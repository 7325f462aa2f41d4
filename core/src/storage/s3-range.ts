import { Transform } from 'node:stream';
import type { Readable, TransformCallback } from 'node:stream';
import type { ByteRange } from './blob-store.js';

/**
 * Makes a ranged GET's body exactly the requested bytes. HTTP lets a server ignore `Range`
 * (200 with the whole object) or answer a wider range than asked (s3rver turns `bytes=0-0` into
 * the whole object), so the body is trimmed locally whenever `Content-Range` is not the range
 * that was asked for. The usual exact answer is passed through untouched.
 */
export function fitToRange(body: Readable, range: ByteRange, contentRange: string | undefined): Readable {
  const served = /^bytes (\d+)-(\d+)\//.exec(contentRange ?? '');
  const servedStart = served ? Number(served[1]) : 0;
  if (served && servedStart === range.start && Number(served[2]) === range.end) return body;
  if (servedStart > range.start) {
    body.destroy();
    throw new Error(`S3 answered bytes=${range.start}-${range.end} with ${contentRange ?? 'no Content-Range'}`);
  }
  let skip = range.start - servedStart;
  let left = range.end - range.start + 1;
  let complete = false;
  const trim = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      if (complete) return done();
      if (skip >= chunk.length) {
        skip -= chunk.length;
        return done();
      }
      const part = chunk.subarray(skip, skip + left);
      skip = 0;
      left -= part.length;
      if (part.length > 0) this.push(part);
      if (left === 0) {
        // The rest is not wanted: end our side now and stop downloading it.
        complete = true;
        this.push(null);
        body.unpipe(this);
        body.destroy();
      }
      done();
    },
  });
  body.on('error', (err) => {
    if (!complete) trim.destroy(err);
  });
  return body.pipe(trim);
}
