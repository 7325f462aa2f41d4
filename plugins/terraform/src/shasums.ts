/**
 * SHA256SUMS as provider releases publish it: one `<sha256 hex>  <file name>` line per archive
 * (two spaces; `sha256sum`'s binary marker `*` tolerated). Kept byte-exact when proxied: its
 * detached signature covers these exact bytes.
 */

const LINE = /^([0-9a-fA-F]{64}) [ *](\S(?:.*\S)?)$/;

/** File name → lower-case sha256 hex. A malformed line is a SyntaxError (the document is unreadable). */
export function parseShasums(body: Uint8Array | string): Map<string, string> {
  const text = typeof body === 'string' ? body : new TextDecoder('utf-8', { fatal: false }).decode(body);
  const sums = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line === '') continue;
    const m = LINE.exec(line);
    if (!m) throw new SyntaxError(`not a SHA256SUMS line: ${JSON.stringify(line.slice(0, 120))}`);
    sums.set(m[2]!, m[1]!.toLowerCase());
  }
  return sums;
}

/** A SHA256SUMS body for these files, in file-name order (as goreleaser writes it). */
export function formatShasums(files: ReadonlyMap<string, string>): string {
  return [...files.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, hex]) => `${hex}  ${name}\n`)
    .join('');
}
