import test from 'ava';
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { runInspector } from '@artifactapi/plugin-sdk/testkit';
import { assertPlainData, checkAsyncProperty, checkProperty, hostileBytes, onlyThrows, onlyThrowsSync, checkPrototypesAfterEach, staysUnder } from '@artifactapi/plugin-sdk/testkit/fuzz';
import { parseApkIndexText } from '../src/apk-index.js';
import { controlMember } from '../src/apk-package.js';
import { TruncatedGzip } from '../src/gzip-member.js';
import plugin from '../src/index.js';

// Properties of the APKINDEX reader and inspector over hostile indexes: every record is plain
// data with the first value of each letter, and facts are keyed by `.apk` files of the index's
// own folder.

checkPrototypesAfterEach(test.afterEach.always);

const DIR = 'v3.20/main/x86_64/';
const value = fc.oneof(fc.constantFrom('musl', '1.2.5-r0', '__proto__', 'constructor', '../../../../x', '\\..\\..\\x', '/abs', '', '123', 'Q1abc='), fc.string({ maxLength: 6 }).map((s) => s.replace(/\n/g, '')));
const field = fc.tuple(fc.constantFrom('P', 'V', 'C', 'S', 't', 'A', '_', ' ', 'PP'), value).map(([letter, v]) => `${letter}:${v}`);
const indexText = fc.array(fc.oneof({ arbitrary: field, weight: 6 }, { arbitrary: fc.constantFrom('', ' ', 'junk', ':x'), weight: 1 }), { maxLength: 16 }).map((lines) => `${lines.join('\n')}\n`);

async function apkIndexOf(text: string): Promise<Uint8Array> {
  const tar = pack();
  tar.entry({ name: 'DESCRIPTION' }, 'v3.20.0\n');
  tar.entry({ name: 'APKINDEX' }, text);
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

test('parseApkIndexText: plain records, one per blank-line-separated block, the first value of each letter', (t) => {
  checkProperty(
    fc.property(indexText, (text) => {
      const records = parseApkIndexText(text);
      assertPlainData(records);
      for (const record of records) {
        if (Object.keys(record).length === 0 || Object.keys(record).some((k) => k.length !== 1)) throw new Error(`record ${JSON.stringify(record)}`);
        for (const [letter, v] of Object.entries(record)) {
          if (!text.split('\n').includes(`${letter}:${v}`)) throw new Error(`${letter}:${v} is not a line of the index`);
        }
      }
    }),
    1000,
  );
  t.pass();
});

test('APKINDEX inspector: a SyntaxError, or plain facts keyed by .apk files of the index\'s folder', async (t) => {
  const body = fc.oneof(
    { arbitrary: indexText, weight: 4 },
    { arbitrary: hostileBytes(), weight: 1 },
    { arbitrary: hostileBytes().map((b) => gzipSync(b)), weight: 1 },
  );
  await checkAsyncProperty(
    fc.asyncProperty(body, async (input) => {
      const bytes = typeof input === 'string' ? await apkIndexOf(input) : input;
      const facts = await onlyThrows([SyntaxError], () => runInspector(plugin, 'apkindex', bytes, { path: `${DIR}APKINDEX.tar.gz` }));
      if (!facts) return;
      assertPlainData(facts);
      for (const key of Object.keys(facts)) {
        const file = key.slice(DIR.length);
        if (!key.startsWith(DIR) || !key.endsWith('.apk') || /[/\\]/.test(file) || !staysUnder(`http://proxy.test/r/${key}`, `http://proxy.test/r/${DIR.slice(0, -1)}`)) throw new Error(`fact key ${key} is not an .apk of ${DIR}`);
      }
    }),
    200,
  );
  t.pass();
});

test('regression: a package name or version with a slash or backslash names no file of the folder', async (t) => {
  const facts = await runInspector(plugin, 'apkindex', await apkIndexOf('P:../../../x\nV:1\n\nP:a\nV:\\..\\..\\b\n\nP:ok\nV:1.0-r0\nC:Q1x=\n'), { path: `${DIR}APKINDEX.tar.gz` });
  t.deepEqual(Object.keys(facts), [`${DIR}ok-1.0-r0.apk`]);
});

test('control member of an .apk: TruncatedGzip (read more) or a SyntaxError for bytes that are not one, never another error', (t) => {
  const member = (b: Uint8Array) => gzipSync(b);
  const apk = fc.tuple(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 })).map(([a, b]) => new Uint8Array(Buffer.concat([member(a), member(b)])));
  checkProperty(
    fc.property(hostileBytes(apk), (bytes) => {
      const found = onlyThrowsSync([TruncatedGzip, SyntaxError], () => controlMember(bytes));
      if (found && !(found.start < found.end && found.end <= bytes.byteLength)) throw new Error(`member ${found.start}-${found.end} of ${bytes.byteLength} bytes`);
    }),
    500,
  );
  t.pass();
});
