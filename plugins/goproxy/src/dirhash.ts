import { createHash } from 'node:crypto';
import { zipEntries } from './zip-entries.js';

/**
 * Go's `h1:` hash (golang.org/x/mod/sumdb/dirhash Hash1) of named files: SHA-256 over the lines
 * "<sha256 hex of the file>  <name>\n" in byte order of the names, base64-encoded. It is what
 * go.sum and the checksum database record for a module zip and for its go.mod.
 */
export function hash1(files: readonly { name: string; data: Uint8Array }[]): string {
  const sorted = [...files].sort((a, b) => Buffer.compare(Buffer.from(a.name, 'utf8'), Buffer.from(b.name, 'utf8')));
  const summary = createHash('sha256');
  for (const file of sorted) {
    if (file.name.includes('\n')) throw new SyntaxError(`file name ${JSON.stringify(file.name)} contains a newline`);
    summary.update(`${createHash('sha256').update(file.data).digest('hex')}  ${file.name}\n`);
  }
  return `h1:${summary.digest('base64')}`;
}

/** `h1:` of a module zip: its files by their names in the archive (`module@version/…`). */
export function zipHash1(zip: Buffer): string {
  return hash1(zipEntries(zip));
}

/** `h1:` of a go.mod, as go.sum's `/go.mod` line records it: a one-file hash of "go.mod". */
export function modHash1(mod: Uint8Array): string {
  return hash1([{ name: 'go.mod', data: mod }]);
}
