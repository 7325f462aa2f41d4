import { createHash } from 'node:crypto';
import { crc32, inflateRawSync } from 'node:zlib';
import type { RewriteContext, RewriteResult } from '@artifactapi/plugin-sdk';

/**
 * The two hashes Terraform records for a provider archive (`.terraform.lock.hcl`, network mirror
 * `hashes`): `zh:` = sha256 of the zip file, `h1:` = Go's dirhash "Hash1" over the zip's
 * contents: sha256 of the sorted lines `"<sha256 hex of the file>  <name>\n"`, base64. Computing
 * h1 means inflating every file, so it runs in the worker pool (the `-/h1/` rewriter below).
 */
export interface ArchiveHashes {
  h1: string;
  zh: string;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** `h1:` and `zh:` of a zip archive. A file that is not a readable zip is a SyntaxError. */
export function archiveHashes(zip: Uint8Array): ArchiveHashes {
  const lines = zipEntries(zip)
    .map((e) => ({ name: e.name, hex: createHash('sha256').update(e.content()).digest('hex') }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((e) => `${e.hex}  ${e.name}\n`)
    .join('');
  return {
    h1: `h1:${createHash('sha256').update(lines).digest('base64')}`,
    zh: `zh:${createHash('sha256').update(zip).digest('hex')}`,
  };
}

/** Rewriter task for `terraform-archive-hashes`: the stored archive → `{"h1": …, "zh": …}`. */
export function rewriteArchiveHashes(input: { body: Uint8Array; ctx: RewriteContext }): RewriteResult {
  return { body: new TextEncoder().encode(JSON.stringify(archiveHashes(input.body))), contentType: 'application/json' };
}

interface ZipEntry {
  name: string;
  content(): Uint8Array;
}

/** The entries of a zip (stored or deflated; no zip64, no encryption), from its central directory. */
export function zipEntries(zip: Uint8Array): ZipEntry[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = findEndOfCentralDirectory(view);
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
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
    const name = new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLength));
    if (compressed === 0xffffffff || size === 0xffffffff || local === 0xffffffff) throw new SyntaxError(`zip: ${name} needs zip64, which is not supported`);
    if (flags & 1) throw new SyntaxError(`zip: ${name} is encrypted`);
    if (method !== 0 && method !== 8) throw new SyntaxError(`zip: ${name} uses compression method ${method}`);
    if (name.includes('\n')) throw new SyntaxError('zip: a file name contains a newline');
    entries.push({ name, content: () => entryContent(zip, view, { local, method, compressed, size, crc, name }) });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

interface EntryHeader {
  local: number;
  method: number;
  compressed: number;
  size: number;
  crc: number;
  name: string;
}

/** An entry's bytes, checked against its size and CRC-32 as Go's archive/zip checks them. */
function entryContent(zip: Uint8Array, view: DataView, { local, method, compressed, size, crc, name }: EntryHeader): Uint8Array {
  if (local + 30 > zip.byteLength || view.getUint32(local, true) !== LOCAL) throw new SyntaxError(`zip: ${name}: broken local header`);
  const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
  if (start + compressed > zip.byteLength) throw new SyntaxError(`zip: ${name} is cut short`);
  const data = zip.subarray(start, start + compressed);
  let content: Uint8Array;
  try {
    content = method === 0 ? data : inflateRawSync(data);
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
