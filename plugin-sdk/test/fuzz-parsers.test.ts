import test from 'ava';
import fc from 'fast-check';
import { crc32, deflateRawSync } from 'node:zlib';
import { MAX_JSON_DEPTH, parseChallenges, parseJsonDocument, UrlMapping, zipEntries } from '../src/index.js';
import {
  assertPlainData,
  checkProperty,
  hostileBytes,
  hostileJsonText,
  hostileUrl,
  onlyThrowsSync,
  checkPrototypesAfterEach,
} from '../src/testkit/fuzz.js';

// Properties of the SDK's parsers of untrusted bytes: WWW-Authenticate challenges, zip archives,
// JSON documents, and the upstream URL ↔ proxy path mapping.

checkPrototypesAfterEach(test.afterEach.always);

const TOKEN_CHARS = "!#$%&'*+.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-";
const token = fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 10 });
const paramName = fc.oneof(token, fc.constantFrom('__proto__', 'constructor', 'prototype', 'realm', 'Service', 'SCOPE'));
const challenge = fc.record({
  scheme: token,
  params: fc.uniqueArray(fc.tuple(paramName, fc.string({ maxLength: 12 })), { maxLength: 4, selector: ([name]) => name.toLowerCase() }),
});

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

test('parseChallenges never throws, on any header or list of headers, and returns plain data', (t) => {
  checkProperty(
    fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 120 }), fc.array(fc.string({ maxLength: 40 }), { maxLength: 3 })), (header) => {
      const parsed = parseChallenges(header);
      assertPlainData(parsed);
      for (const c of parsed) {
        if (c.scheme !== c.scheme.toLowerCase() || c.scheme === '') throw new Error(`scheme ${JSON.stringify(c.scheme)} is not a lower-case token`);
      }
    }),
    400,
  );
  t.pass();
});

test('parseChallenges reads back what RFC 9110 syntax writes: schemes and lower-cased parameter names, unquoted values', (t) => {
  checkProperty(
    fc.property(fc.array(challenge, { minLength: 1, maxLength: 3 }), fc.constantFrom(', ', ',', ' , '), (challenges, separator) => {
      // A challenge with no parameters followed by one whose first param is bare would read as a param; keep params quoted.
      const header = challenges.map((c) => [c.scheme, c.params.map(([n, v]) => `${n}=${quote(v)}`).join(', ')].filter(Boolean).join(' ')).join(separator);
      const parsed = parseChallenges(header);
      const expected = challenges.map((c) => ({ scheme: c.scheme.toLowerCase(), params: Object.fromEntries(c.params.map(([n, v]) => [n.toLowerCase(), v])) }));
      assertPlainData(parsed);
      if (JSON.stringify(parsed) !== JSON.stringify(expected)) throw new Error(`${header} → ${JSON.stringify(parsed)}`);
    }),
    300,
  );
  t.pass();
});

test('regression: a challenge parameter named __proto__ is kept as a parameter, not dropped or made the prototype', (t) => {
  const [parsed] = parseChallenges('Bearer __proto__="x", realm="https://auth.test/token"');
  t.deepEqual(Object.keys(parsed!.params), ['__proto__', 'realm']);
  t.is(Object.getPrototypeOf(parsed!.params), Object.prototype);
  t.is(parsed!.params.realm, 'https://auth.test/token');
});

/** A zip of stored or deflated entries, written the way the spec lays it out. */
function zipOf(files: readonly { name: string; data: Uint8Array; deflate: boolean }[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const name = Buffer.from(file.name, 'utf8');
    const body = file.deflate ? deflateRawSync(file.data) : Buffer.from(file.data);
    const crc = crc32(file.data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(file.deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(file.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(file.deflate ? 8 : 0, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(file.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

const zipFiles = fc.array(fc.record({ name: fc.string({ minLength: 1, maxLength: 12 }), data: fc.uint8Array({ maxLength: 300 }), deflate: fc.boolean() }), { maxLength: 4 });

test('zipEntries reads back every entry of a zip it is given, in order, stored or deflated', (t) => {
  checkProperty(
    fc.property(zipFiles, (files) => {
      const entries = zipEntries(zipOf(files));
      if (entries.length !== files.length) throw new Error(`${entries.length} entries for ${files.length} files`);
      entries.forEach((entry, i) => {
        if (entry.name !== new TextDecoder().decode(Buffer.from(files[i]!.name, 'utf8'))) throw new Error(`name ${entry.name}`);
        if (Buffer.compare(Buffer.from(entry.content()), Buffer.from(files[i]!.data)) !== 0) throw new Error(`content of ${entry.name} differs`);
      });
    }),
    150,
  );
  t.pass();
});

test('zipEntries and content() throw only SyntaxError on damaged or arbitrary bytes', (t) => {
  checkProperty(
    fc.property(hostileBytes(zipFiles.map(zipOf)), (bytes) => {
      const entries = onlyThrowsSync([SyntaxError], () => zipEntries(bytes)) ?? [];
      for (const entry of entries) onlyThrowsSync([SyntaxError], () => entry.content());
    }),
    400,
  );
  t.pass();
});

test('parseJsonDocument returns what JSON.parse does or throws a SyntaxError, never anything else', (t) => {
  const deep = fc.tuple(fc.integer({ min: MAX_JSON_DEPTH - 2, max: MAX_JSON_DEPTH + 2 }), fc.constantFrom('[', '{"a":')).map(([n, open]) => open.repeat(n) + '1' + (open === '[' ? ']' : '}').repeat(n));
  checkProperty(
    fc.property(fc.oneof(hostileJsonText(), fc.string({ unit: 'binary', maxLength: 60 }), deep), (text) => {
      const doc = onlyThrowsSync([SyntaxError], () => parseJsonDocument(text, 'document'));
      if (doc === undefined) return;
      assertPlainData(doc);
      if (JSON.stringify(doc) !== JSON.stringify(JSON.parse(text))) throw new Error('differs from JSON.parse');
    }),
    400,
  );
  t.pass();
});

const UPSTREAM = 'https://upstream.test/base';
const FILES = 'https://files.test/';
const mapping = new UrlMapping([
  { upstream: UPSTREAM, prefix: '' },
  { upstream: FILES, prefix: '-/files/' },
]);

test('UrlMapping: a URL it maps comes back from toUrl as the same resource; anything else maps to nothing', (t) => {
  checkProperty(
    fc.property(hostileUrl([UPSTREAM, FILES, 'https://upstream.test/']), (url) => {
      const path = mapping.toPath(url);
      if (path === undefined) return;
      const back = mapping.toUrl(path);
      const resolved = new URL(url, `${UPSTREAM}/`);
      if (back !== resolved.origin + resolved.pathname) throw new Error(`${url} → ${path} → ${back}`);
      if (!back.startsWith(`${UPSTREAM}/`) && !back.startsWith(FILES)) throw new Error(`${url} maps outside the mounts: ${back}`);
    }),
    500,
  );
  t.pass();
});
