import { createHash } from 'node:crypto';
import { crc32, inflateRawSync } from 'node:zlib';

/**
 * Zip archives as Go's tooling reads them, for the types that hash what is inside one (go module
 * zips, terraform provider archives): the files from the central directory, each checked against
 * its size and CRC-32, and Go's `h1:` directory hash over them. Stored and deflated entries only;
 * ZIP64 and encrypted entries are refused. Anything that is not a readable zip throws a
 * SyntaxError: the bytes are refused, the plugin is not at fault.
 */

/** One file of an archive; `content()` inflates and checks it when asked. */
export interface ZipEntry {
  name: string;
  content(): Uint8Array;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** The files of a zip in central-directory order. */
export function zipEntries(zip: Uint8Array): ZipEntry[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = findEndOfCentralDirectory(view);
  const count = view.getUint16(end + 10, true);
  const directorySize = view.getUint32(end + 12, true);
  let at = view.getUint32(end + 16, true);
  if (count === 0xffff || directorySize === 0xffffffff || at === 0xffffffff) throw new SyntaxError('zip: ZIP64 archives are not supported');
  if (at + directorySize > end) throw new SyntaxError('zip: the central directory lies outside the archive');
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.byteLength || view.getUint32(at, true) !== CENTRAL) throw new SyntaxError('zip: broken central directory');
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const compressed = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    if (at + 46 + nameLength > zip.byteLength) throw new SyntaxError('zip: the archive is truncated');
    const name = new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLength));
    if (compressed === 0xffffffff || size === 0xffffffff || local === 0xffffffff) throw new SyntaxError(`zip: ${name} needs ZIP64, which is not supported`);
    if (flags & 1) throw new SyntaxError(`zip: ${name} is encrypted`);
    if (method !== 0 && method !== 8) throw new SyntaxError(`zip: ${name} uses compression method ${method}`);
    entries.push({ name, content: () => entryContent(zip, view, { local, method, compressed, size, crc, name }) });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * Go's `h1:` hash (dirhash Hash1) of named files: SHA-256 over the lines
 * "<sha256 hex of the file>  <name>\n" with the names in byte order, base64. go.sum and the
 * checksum database record it for module zips and go.mod files, terraform for provider archives.
 */
export function dirHash1(files: readonly { name: string; data: Uint8Array }[]): string {
  const sorted = [...files].sort((a, b) => Buffer.compare(Buffer.from(a.name, 'utf8'), Buffer.from(b.name, 'utf8')));
  const summary = createHash('sha256');
  for (const file of sorted) {
    if (file.name.includes('\n')) throw new SyntaxError(`file name ${JSON.stringify(file.name)} contains a newline`);
    summary.update(`${createHash('sha256').update(file.data).digest('hex')}  ${file.name}\n`);
  }
  return `h1:${summary.digest('base64')}`;
}

/** `h1:` of a zip archive: its files under their names in the archive. */
export function zipHash1(zip: Uint8Array): string {
  return dirHash1(zipEntries(zip).map((e) => ({ name: e.name, data: e.content() })));
}

interface EntryHeader {
  local: number;
  method: number;
  compressed: number;
  size: number;
  crc: number;
  name: string;
}

function entryContent(zip: Uint8Array, view: DataView, { local, method, compressed, size, crc, name }: EntryHeader): Uint8Array {
  if (local + 30 > zip.byteLength || view.getUint32(local, true) !== LOCAL) throw new SyntaxError(`zip: ${name}: broken local header`);
  const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
  if (start + compressed > zip.byteLength) throw new SyntaxError(`zip: ${name} is cut short`);
  const data = zip.subarray(start, start + compressed);
  let content: Uint8Array;
  try {
    // The directory's size bounds the output, so a zip bomb cannot inflate past what it declares.
    content = method === 0 ? data : inflateRawSync(data, { maxOutputLength: Math.max(size, 1) });
  } catch (err) {
    throw new SyntaxError(`zip: ${name} does not inflate (${(err as Error).message})`);
  }
  if (content.byteLength !== size) throw new SyntaxError(`zip: ${name} has ${content.byteLength} bytes, its header says ${size}`);
  if (crc32(content) >>> 0 !== crc) throw new SyntaxError(`zip: ${name} fails its CRC-32 check`);
  return content;
}

function findEndOfCentralDirectory(view: DataView): number {
  const min = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let at = view.byteLength - 22; at >= min; at--) if (view.getUint32(at, true) === EOCD) return at;
  throw new SyntaxError('zip: no end of central directory (not a zip file)');
}
