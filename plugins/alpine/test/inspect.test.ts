import test from 'ava';
import { gzipSync } from 'node:zlib';
import { runInspector } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';
import { parseApkIndexText } from '../src/apk-index.js';
import { buildApk, buildApkIndex, indexRecords, indexSignatureValid, type BuiltApk } from './apk-fixtures.js';

const DIR = 'v3.20/main/x86_64/';
let curl: BuiltApk;
let libcpp: BuiltApk;
let index: Buffer;

test.before(async () => {
  curl = await buildApk({ name: 'curl', version: '8.9.1-r0', buildTime: 1_720_000_000, depends: ['so:libc.musl-x86_64.so.1'] });
  libcpp = await buildApk({ name: 'libstdc++', version: '13.2.1-r0', buildTime: 1_710_000_000, signed: false });
  index = await buildApkIndex([curl, libcpp]);
});

test('every package the index lists gets its size, its C: for the control verifier and its build time', async (t) => {
  const facts = await runInspector(plugin, 'apkindex', index, { path: `${DIR}APKINDEX.tar.gz` });
  t.deepEqual(Object.keys(facts).sort(), [`${DIR}curl-8.9.1-r0.apk`, `${DIR}libstdc++-13.2.1-r0.apk`]);
  t.deepEqual(facts[`${DIR}curl-8.9.1-r0.apk`], {
    version: 'curl-8.9.1-r0',
    size: curl.bytes.byteLength,
    publishedAt: 1_720_000_000_000,
    verify: { verifier: 'apk-control', expected: curl.checksum },
  });
  t.is(facts[`${DIR}libstdc++-13.2.1-r0.apk`]!.size, libcpp.bytes.byteLength);
});

test('an index at the repository root keys its packages without a directory', async (t) => {
  const facts = await runInspector(plugin, 'apkindex', index, { path: 'APKINDEX.tar.gz' });
  t.truthy(facts['curl-8.9.1-r0.apk']);
});

test('a record without C: still names the verifier (with nothing to match), so the package is refused, not passed', async (t) => {
  const bare = await buildApkIndex([curl], { [curl.fileName]: { C: '' } });
  const facts = await runInspector(plugin, 'apkindex', bare, { path: `${DIR}APKINDEX.tar.gz` });
  t.deepEqual(facts[`${DIR}curl-8.9.1-r0.apk`]!.verify, { verifier: 'apk-control', expected: '' });
});

test('a body that is not an APKINDEX.tar.gz is a SyntaxError (the core answers 502 for the upstream document)', async (t) => {
  await t.throwsAsync(runInspector(plugin, 'apkindex', 'not gzip at all', { path: 'APKINDEX.tar.gz' }), { instanceOf: SyntaxError });
  await t.throwsAsync(runInspector(plugin, 'apkindex', gzipSync(Buffer.alloc(1024)), { path: 'APKINDEX.tar.gz' }), {
    instanceOf: SyntaxError,
    message: /no APKINDEX/,
  });
});

test('index text: blank lines separate records, the first value of a repeated letter wins, odd lines are skipped', (t) => {
  t.deepEqual(parseApkIndexText('C:Q1a\nP:a\nV:1-r0\nP:other\n\n\nnonsense\nP:b\nV:2-r0\n'), [
    { C: 'Q1a', P: 'a', V: '1-r0' },
    { P: 'b', V: '2-r0' },
  ]);
});

test('the fixture index carries a signature a client can check, which any change to the index breaks', async (t) => {
  t.true(indexSignatureValid(index));
  const reencoded = Buffer.concat([index.subarray(0, index.byteLength - 1), Buffer.from([index.at(-1)! ^ 1])]);
  t.false(indexSignatureValid(reencoded));
  t.true((await indexRecords(index)).some((r) => r.P === 'curl'));
});
