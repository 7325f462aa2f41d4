/**
 * The smallest string above every string starting with `prefix`, in code point order (what
 * SQLite's BINARY and PostgreSQL's `COLLATE "C"` compare on UTF-8); undefined when there is none
 * (empty prefix, or only U+10FFFF). Turns a prefix match into an index range with no LIKE, and so
 * no case folding, wildcard or escape characters.
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const points = Array.from(prefix, (ch) => ch.codePointAt(0) ?? 0);
  while (points.length > 0) {
    const last = points.pop() ?? 0;
    if (last < 0x10ffff) {
      // Surrogates cannot be stored in UTF-8 text, so step over their block.
      points.push(last + 1 === 0xd800 ? 0xe000 : last + 1);
      return String.fromCodePoint(...points);
    }
  }
  return undefined;
}
