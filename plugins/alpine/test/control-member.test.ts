import test from 'ava';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { apkChecksumOf, parseApkChecksum } from '../src/apk-checksum.js';
import { controlMember } from '../src/apk-package.js';
import { TruncatedGzip } from '../src/gzip-member.js';
import { verifyApkControl } from '../src/verify-package.js';
import { buildApk, withAlteredControl, type BuiltApk } from './apk-fixtures.js';

let signed: BuiltApk;
let unsigned: BuiltApk;
let big: BuiltApk;
let bigControl: BuiltApk;
let dir: string;

test.before(async () => {
  signed = await buildApk({ name: 'curl', version: '8.9.1-r0', buildTime: 1_720_000_000 });
  unsigned = await buildApk({ name: 'musl', version: '1.2.5-r0', buildTime: 1_720_000_000, signed: false });
  // Incompressible data well past the verifier's first read: only the head is inflated.
  big = await buildApk({ name: 'firmware', version: '1-r0', buildTime: 1_720_000_000, files: { 'lib/blob.bin': randomBytes(600_000).toString('latin1') } });
  bigControl = await buildApk({ name: 'scripted', version: '1-r0', buildTime: 1_720_000_000, scripts: { '.post-install': randomBytes(700_000).toString('base64') } });
  dir = await mkdtemp(join(tmpdir(), 'apk-verify-'));
});
test.after.always(() => rm(dir, { recursive: true, force: true }));

async function verify(bytes: Uint8Array, expected: string) {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.apk`);
  await writeFile(file, bytes);
  return verifyApkControl({ file, expected, path: 'x.apk' });
}

test('the control member is the second gzip member of a signed package and the first of an unsigned one', (t) => {
  const member = controlMember(signed.bytes);
  t.true(Buffer.from(signed.bytes.subarray(member.start, member.end)).equals(signed.control));
  t.true(member.start > 0, 'the signature member comes first');
  const bare = controlMember(unsigned.bytes);
  t.is(bare.start, 0);
  t.true(Buffer.from(unsigned.bytes.subarray(bare.start, bare.end)).equals(unsigned.control));
  t.regex(gunzipSync(unsigned.control).toString('latin1'), /pkgname = musl/);
});

test('C: is Q1 + base64 of the SHA-1 over the control member bytes exactly', (t) => {
  t.is(apkChecksumOf(signed.control, parseApkChecksum(signed.checksum)), signed.checksum);
  t.regex(signed.checksum, /^Q1[A-Za-z0-9+/]{27}=$/);
});

test('the verifier accepts the package its index lists, signed or not', async (t) => {
  t.deepEqual(await verify(signed.bytes, signed.checksum), { ok: true, actual: signed.checksum });
  t.deepEqual(await verify(unsigned.bytes, unsigned.checksum), { ok: true, actual: unsigned.checksum });
  t.true((await verify(big.bytes, big.checksum)).ok);
});

test('a control member longer than the first read is read further, not refused', async (t) => {
  t.true(bigControl.control.byteLength > 256 * 1024);
  t.deepEqual(await verify(bigControl.bytes, bigControl.checksum), { ok: true, actual: bigControl.checksum });
});

test('an altered control member (same size, same signature and data) is refused', async (t) => {
  const altered = await withAlteredControl(signed);
  t.is(altered.byteLength, signed.bytes.byteLength);
  const result = await verify(altered, signed.checksum);
  t.false(result.ok);
  t.not(result.actual, signed.checksum);
});

test('a package listed with another package\'s C: is refused', async (t) => {
  t.false((await verify(unsigned.bytes, signed.checksum)).ok);
});

test('garbage, a cut-off head and a C: apk-tools never writes are mismatches, not errors', async (t) => {
  t.false((await verify(Buffer.from('<html>mirror error</html>'), signed.checksum)).ok);
  t.false((await verify(signed.bytes.subarray(0, 40), signed.checksum)).ok);
  t.regex((await verify(signed.bytes, '')).actual ?? '', /no checksum/);
  t.false((await verify(signed.bytes, 'Q1tooshort')).ok);
});

test('a head that ends inside a member is TruncatedGzip (the verifier then reads more)', (t) => {
  t.throws(() => controlMember(signed.bytes.subarray(0, signed.bytes.indexOf(signed.control) + 20)), { instanceOf: TruncatedGzip });
});

test('Q2 (SHA-256) and hex MD5 forms are understood', (t) => {
  t.is(parseApkChecksum(`Q2${Buffer.alloc(32, 1).toString('base64')}`)?.algorithm, 'sha256');
  t.is(parseApkChecksum('0123456789ABCDEF0123456789abcdef')?.algorithm, 'md5');
  t.is(parseApkChecksum('Q3abc'), undefined);
});
