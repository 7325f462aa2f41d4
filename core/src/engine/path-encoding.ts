/*
 * One spelling per repository path (RFC 3986 §6.2.2), so the cache key, the operator's patterns
 * and the upstream URL all start from the same string: `public/a.%65xe` and `public/a.exe` are
 * one path, and a literal `#` cannot become a fragment when the upstream URL is parsed.
 * Reserved characters keep their escapes: `%2F` stays distinct from `/` (npm's `@scope%2fname`
 * is one segment upstream), which is why the patterns see the path fully decoded (decodedPath).
 */

/** RFC 3986 unreserved characters: an escape of one of them means the character itself. */
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
/** Characters a path segment may carry literally (pchar minus escapes). */
const PCHAR = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]$/;
const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;
/** A path with no escapes and only literal path characters is canonical already (most requests). */
const PLAIN_PATH = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/;
/** A `%` that does not start an escape. */
const STRAY_PERCENT = /%(?![0-9A-Fa-f]{2})/;

/**
 * The canonical encoding of a raw request path (no query): escapes of unreserved characters
 * decoded, other escapes upper-cased, characters not allowed in a path percent-encoded (as the
 * single byte node read them as). A path with a `%` not followed by two hex digits is returned
 * as it is, for the caller's validation to refuse: decoding the escapes around it could make a
 * new escape of it (`%4%41` → `%4A`).
 */
export function canonicalEncoding(raw: string): string {
  if (PLAIN_PATH.test(raw) || STRAY_PERCENT.test(raw)) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === '%' && HEX_PAIR.test(raw.slice(i + 1, i + 3))) {
      const byte = String.fromCharCode(parseInt(raw.slice(i + 1, i + 3), 16));
      out += UNRESERVED.test(byte) ? byte : `%${raw.slice(i + 1, i + 3).toUpperCase()}`;
      i += 2;
    } else if (ch === '/' || ch === '%' || PCHAR.test(ch)) {
      out += ch;
    } else {
      const wide = (raw.codePointAt(i) ?? 0) > 0xffff;
      out += escapeChar(wide ? raw.slice(i, i + 2) : ch);
      if (wide) i++;
    }
  }
  return out;
}

/** node hands request targets over as latin1, one character per byte; wider characters are UTF-8 encoded. */
function escapeChar(ch: string): string {
  const code = ch.charCodeAt(0);
  const bytes = code <= 0xff ? [code] : [...Buffer.from(ch, 'utf8')];
  return bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

/**
 * The form the operator's patterns are matched against: every escape decoded, `%2F` included, so
 * a pattern written with `/` also catches the encoded slash an upstream may decode. Undefined when
 * the path does not decode (not UTF-8).
 */
export function decodedPath(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}
