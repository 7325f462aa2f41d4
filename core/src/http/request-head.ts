/** A plain GET or HEAD request head, as the fast lane (fast-lane.ts) answers it. */
export interface PlainHead {
  method: 'GET' | 'HEAD';
  /** The request target, origin form. */
  url: string;
  /** Offset just past the blank line that ends the head. */
  end: number;
  /** Where its header lines are in `bytes`, for {@link plainHeaders}. */
  bytes: Buffer;
  fieldsStart: number;
}

/** Longer heads go to node:http, which enforces its own limit (431). */
const MAX_HEAD_BYTES = 8 * 1024;
const MAX_HEADERS = 64;
const CRLF_CRLF = Buffer.from('\r\n\r\n');
const HTTP_11 = Buffer.from(' HTTP/1.1\r\n');

/**
 * Headers that make a request more than a plain read, or whose handling is node:http's or the
 * pipeline's: a body, an upgrade, ranges and conditionals. Compared as bytes: a head the lane
 * answers makes no string of its header names (building them was ~0.35 µs of a 4 KiB hit's ~9,
 * bench/README.md).
 */
const NOT_PLAIN = [
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
];

type Name = 'other' | 'host' | 'connection' | 'not-plain';

/** The names the parser looks for, by length. */
const NAMES_BY_LENGTH: Array<Array<{ bytes: Buffer; name: Name }>> = [];
for (const [text, name] of [['host', 'host'], ['connection', 'connection'], ...NOT_PLAIN.map((n) => [n, 'not-plain'] as const)] as const) {
  (NAMES_BY_LENGTH[text.length] ??= []).push({ bytes: Buffer.from(text, 'latin1'), name });
}
const KEEP_ALIVE = Buffer.from('keep-alive', 'latin1');

/** Whether bytes[at…] spell `lower` in any case; `lower` is lower-case letters and '-', the bytes visible ASCII. */
function sameName(bytes: Buffer, at: number, lower: Buffer): boolean {
  for (let i = 0; i < lower.length; i++) if ((bytes[at + i]! | 0x20) !== lower[i]) return false;
  return true;
}

function nameAt(bytes: Buffer, at: number, length: number): Name {
  const candidates = NAMES_BY_LENGTH[length];
  if (candidates) for (const candidate of candidates) if (sameName(bytes, at, candidate.bytes)) return candidate.name;
  return 'other';
}

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
 * purpose (no obs-text, one Host, and {@link plainHeaders} gives up on a name sent twice), so the
 * two can never read one head two ways.
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

  const fieldsStart = at;
  let count = 0;
  let hosts = 0;
  const headEnd = blank + 2;
  while (at < headEnd) {
    const nameStart = at;
    while (TOKEN[bytes[at]!] === 1) at++;
    if (at === nameStart || bytes[at] !== 0x3a || ++count > MAX_HEADERS) return undefined;
    const name = nameAt(bytes, nameStart, at - nameStart);
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
    if (name === 'not-plain') return undefined;
    if (name === 'host') hosts++;
    else if (name === 'connection' && (valueEnd - valueStart !== KEEP_ALIVE.length || !sameName(bytes, valueStart, KEEP_ALIVE))) return undefined;
  }
  if (at !== headEnd || hosts !== 1) return undefined;
  return { method, url, end: blank + 4, bytes, fieldsStart };
}

/**
 * A head's headers as node:http's `req.headers` has them (names lower-cased, values trimmed), made
 * only when asked (an index document's view of its client). Undefined when a name comes twice:
 * node:http merges those by rules of its own, so only it can say what they mean.
 */
export function plainHeaders(head: PlainHead): Record<string, string> | undefined {
  const { bytes } = head;
  // No prototype: a header named __proto__ is just a header.
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  let at = head.fieldsStart;
  const headEnd = head.end - 2;
  while (at < headEnd) {
    const colon = bytes.indexOf(0x3a, at);
    const lineEnd = bytes.indexOf(0x0d, colon);
    const name = bytes.toString('latin1', at, colon).toLowerCase();
    if (Object.hasOwn(headers, name)) return undefined;
    headers[name] = bytes.toString('latin1', colon + 1, lineEnd).replace(/^[ \t]+|[ \t]+$/g, '');
    at = lineEnd + 2;
  }
  return headers;
}

