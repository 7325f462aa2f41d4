import { crc32, inflateRawSync } from 'node:zlib';

/** One file of a zip archive, read whole. */
export interface ZipEntry {
  name: string;
  data: Buffer;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

/**
 * The files of a zip archive held in memory, in central-directory order, each checked against its
 * CRC-32 and size. Module zips use only stored and deflated entries and stay far below the 4 GiB
 * of classic zip (go caps them at 500 MB), so ZIP64 is refused rather than read. Anything that is
 * not a readable zip throws a SyntaxError (the bytes are refused, not the plugin at fault).
 */
export function zipEntries(zip: Buffer): ZipEntry[] {
  const end = findEndOfCentralDirectory(zip);
  const count = zip.readUInt16LE(end + 10);
  const size = zip.readUInt32LE(end + 12);
  let at = zip.readUInt32LE(end + 16);
  if (count === 0xffff || size === 0xffffffff || at === 0xffffffff) throw new SyntaxError('ZIP64 archives are not supported');
  if (at + size > end) throw new SyntaxError('the central directory lies outside the archive');
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    need(zip, at, 46);
    if (zip.readUInt32LE(at) !== CENTRAL) throw new SyntaxError(`central directory entry ${i} has a bad signature`);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressed = zip.readUInt32LE(at + 20);
    const uncompressed = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    need(zip, at + 46, nameLength);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;

    need(zip, local, 30);
    if (zip.readUInt32LE(local) !== LOCAL) throw new SyntaxError(`${name}: bad local header`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    need(zip, start, compressed);
    const raw = zip.subarray(start, start + compressed);
    let data: Buffer;
    if (method === STORED) data = raw;
    else if (method === DEFLATED) {
      try {
        data = inflateRawSync(raw, { maxOutputLength: Math.max(uncompressed, 1) });
      } catch (err) {
        throw new SyntaxError(`${name}: cannot inflate (${(err as Error).message})`);
      }
    } else throw new SyntaxError(`${name}: compression method ${method} is not supported`);
    if (data.byteLength !== uncompressed) throw new SyntaxError(`${name}: ${data.byteLength} bytes, the directory says ${uncompressed}`);
    if (crc32(data) !== crc) throw new SyntaxError(`${name}: CRC-32 mismatch`);
    entries.push({ name, data });
  }
  return entries;
}

function findEndOfCentralDirectory(zip: Buffer): number {
  const lowest = Math.max(0, zip.byteLength - 22 - 0xffff);
  for (let at = zip.byteLength - 22; at >= lowest; at--) {
    if (zip.readUInt32LE(at) === EOCD) return at;
  }
  throw new SyntaxError('not a zip archive (no end of central directory)');
}

function need(zip: Buffer, at: number, length: number): void {
  if (at + length > zip.byteLength) throw new SyntaxError('the archive is truncated');
}
