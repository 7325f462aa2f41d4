import { Readable, type Transform } from 'node:stream';
import { createGunzip, createZstdDecompress } from 'node:zlib';

/** Bytes handed to the decompressor at a time, so no step holds more than the compressed body. */
const SLICE = 1 << 20;

/**
 * The text of a metadata file, decompressed piece by piece by its name's suffix (`.gz`, `.zst`,
 * none): the caller reads it as it comes and never holds it whole. `.xz` and `.bz2` have no
 * decompressor in Node; they are an error.
 */
export async function* decompressedText(body: Uint8Array, fileName: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  const source = Readable.from(slices(body));
  const inflater = decompressorFor(fileName);
  const stream = inflater ? source.pipe(inflater) : source;
  if (inflater) source.on('error', (err) => inflater.destroy(err));
  try {
    for await (const chunk of stream as AsyncIterable<Uint8Array>) {
      const text = decoder.decode(chunk, { stream: true });
      if (text.length > 0) yield text;
    }
  } catch (err) {
    throw new SyntaxError(`${fileName} cannot be decompressed: ${(err as Error).message}`);
  }
  const rest = decoder.decode();
  if (rest.length > 0) yield rest;
}

function decompressorFor(fileName: string): Transform | undefined {
  if (fileName.endsWith('.gz')) return createGunzip();
  if (fileName.endsWith('.zst')) return createZstdDecompress();
  if (/\.(xz|bz2|zck)$/.test(fileName)) throw new SyntaxError(`${fileName}: this compression is not supported (gzip, zstd or none)`);
  return undefined;
}

function* slices(body: Uint8Array): Generator<Uint8Array> {
  for (let at = 0; at < body.byteLength; at += SLICE) yield body.subarray(at, Math.min(at + SLICE, body.byteLength));
}
