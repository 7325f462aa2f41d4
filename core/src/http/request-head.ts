/** A plain GET or HEAD request head, as the fast lane (fast-lane.ts) answers it. */
export interface PlainHead {
  method: 'GET' | 'HEAD';
  /** The request target, origin form. */
  url: string;
  /** Lower-cased names, each sent once. */
  headers: Record<string, string>;
  /** Offset just past the blank line that ends the head. */
  end: number;
}

/** Longer heads go to node:http, which enforces its own limit (431). */
const MAX_HEAD_BYTES = 8 * 1024;
const MAX_HEADERS = 64;
const CRLF_CRLF = Buffer.from('\r\n\r\n');
const HTTP_11 = Buffer.from(' HTTP/1.1\r\n');

/**
 * Headers that make a request more than a plain read, or whose handling is node:http's or the
 * pipeline's: a body, an upgrade, a connection to close, ranges and conditionals.
 */
const NOT_PLAIN = new Set([
  'content-length',
  'transfer-encoding',
  'expect',
  'upgrade',
  'range',
  'if-range',
  'if-none-match',
  'if-modified-since',
  'if-match',
  'if-unmodified-since',
]);

/** RFC 9110 tchar, by byte. */
const TOKEN = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~") TOKEN[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TOKEN[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TOKEN[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TOKEN[c] = 1;

/**
 * The plain read whose head starts at `start` in `bytes`: `GET` or `HEAD`, an origin-form target,
 * HTTP/1.1, a Host, no body and none of NOT_PLAIN, every byte of the head well-formed and the whole
 * head in `bytes`. Undefined for anything else, including a head not all here yet: the lane then
 * leaves the connection to node:http's parser, which judges it. Stricter than node:http on
 * purpose (no obs-text, no duplicate names), so the two can never read one head two ways.
 */
export function parsePlainHead(bytes: Buffer, start: number): PlainHead | undefined {
  const blank = bytes.indexOf(CRLF_CRLF, start);
  if (blank < 0 || blank - start > MAX_HEAD_BYTES) return undefined;
  let at = start;
  let method: 'GET' | 'HEAD';
  if (bytes[at] === 0x47 && bytes[at + 1] === 0x45 && bytes[at + 2] === 0x54 && bytes[at + 3] === 0x20) {
    method = 'GET';
    at += 4;
  } else if (bytes[at] === 0x48 && bytes[at + 1] === 0x45 && bytes[at + 2] === 0x41 && bytes[at + 3] === 0x44 && bytes[at + 4] === 0x20) {
    method = 'HEAD';
    at += 5;
  } else {
    return undefined;
  }
  if (bytes[at] !== 0x2f) return undefined;
  const targetStart = at;
  while (at < blank && bytes[at]! > 0x20 && bytes[at]! < 0x7f) at++;
  if (at === blank || bytes.compare(HTTP_11, 0, HTTP_11.length, at, at + HTTP_11.length) !== 0) return undefined;
  const url = bytes.toString('latin1', targetStart, at);
  at += HTTP_11.length;

  // No prototype: a header named __proto__ is just a header.
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  let count = 0;
  const headEnd = blank + 2;
  while (at < headEnd) {
    const nameStart = at;
    while (TOKEN[bytes[at]!] === 1) at++;
    if (at === nameStart || bytes[at] !== 0x3a || ++count > MAX_HEADERS) return undefined;
    const name = bytes.toString('latin1', nameStart, at).toLowerCase();
    at++;
    while (bytes[at] === 0x20 || bytes[at] === 0x09) at++;
    const valueStart = at;
    let valueEnd = at;
    for (let byte = bytes[at]!; byte !== 0x0d; byte = bytes[++at]!) {
      if (byte !== 0x09 && (byte < 0x20 || byte > 0x7e)) return undefined;
      if (byte !== 0x20 && byte !== 0x09) valueEnd = at + 1;
    }
    if (bytes[at + 1] !== 0x0a) return undefined;
    at += 2;
    if (NOT_PLAIN.has(name) || Object.hasOwn(headers, name)) return undefined;
    headers[name] = bytes.toString('latin1', valueStart, valueEnd);
  }
  if (at !== headEnd || headers.host === undefined) return undefined;
  const connection = headers.connection;
  if (connection !== undefined && connection.toLowerCase() !== 'keep-alive') return undefined;
  return { method, url, headers, end: blank + 4 };
}
