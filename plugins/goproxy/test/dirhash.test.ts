import test from 'ava';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { modHash1, zipHash1 } from '../src/dirhash.js';
import { zipEntries } from '@artifactapi/plugin-sdk';
import { verifyModHash1, verifyZipHash1 } from '../src/verify.js';

// fixtures/fix-v1.2.3.zip was written by Python's zipfile (stored and deflated entries, out of
// order, an upper-case name) and served to Go 1.19 from a file:// GOPROXY; these are the hashes
// `go mod download -json example.com/Fix@v1.2.3` printed for it (Sum and GoModSum).
const GO_ZIP_HASH = 'h1:0cFAvfZaHRBHQZDIu7Gb+jxRcXVdwKYLjkUD4s6cLB8=';
const GO_MOD_HASH = 'h1:PI3l6lDRtCsbHyCrDFNXb5g+hH9eFdi5jnfLk2nZrM8=';
const fixture = (name: string) => readFile(new URL(`../../test/fixtures/${name}`, import.meta.url));

test('the h1: hashes of a module zip and its go.mod are the ones go computes', async (t) => {
  const zip = await fixture('fix-v1.2.3.zip');
  const mod = await fixture('fix-v1.2.3.mod');
  t.is(zipHash1(zip), GO_ZIP_HASH);
  t.is(modHash1(mod), GO_MOD_HASH);
  const file = (name: string) => fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url));
  const zipPath = 'example.com/!fix/@v/v1.2.3.zip';
  t.deepEqual(verifyZipHash1({ file: file('fix-v1.2.3.zip'), expected: GO_ZIP_HASH, path: zipPath }), { ok: true });
  t.deepEqual(verifyZipHash1({ file: file('fix-v1.2.3.zip'), expected: GO_MOD_HASH, path: zipPath }), { ok: false, actual: GO_ZIP_HASH });
  t.deepEqual(verifyModHash1({ file: file('fix-v1.2.3.mod'), expected: GO_MOD_HASH, path: 'example.com/!fix/@v/v1.2.3.mod' }), { ok: true });
  t.like(verifyZipHash1({ file: file('fix-v1.2.3.mod'), expected: GO_ZIP_HASH, path: zipPath }), { ok: false, actual: 'unreadable (zip: no end of central directory (not a zip file))' });
});

test('zip entries come out whole, in directory order, from stored and deflated members', async (t) => {
  const entries = zipEntries(await fixture('fix-v1.2.3.zip'));
  t.deepEqual(
    entries.map((e) => e.name),
    ['example.com/Fix@v1.2.3/z.go', 'example.com/Fix@v1.2.3/go.mod', 'example.com/Fix@v1.2.3/dir/B.txt', 'example.com/Fix@v1.2.3/a.go'],
  );
  t.is(Buffer.from(entries[2]!.content()).toString(), 'upper case file name\n'.repeat(50));
});

test('bytes that are not a readable zip throw a SyntaxError (refused, not a plugin failure)', async (t) => {
  const zip = await fixture('fix-v1.2.3.zip');
  t.throws(() => zipHash1(Buffer.from('not a zip at all, just some text that is long enough')), { instanceOf: SyntaxError, message: /no end of central directory/ });
  t.throws(() => zipHash1(zip.subarray(0, zip.byteLength - 30)), { instanceOf: SyntaxError });
  // One flipped byte inside a stored member: the CRC-32 catches it.
  const flipped = Buffer.from(zip);
  const at = flipped.indexOf('// A');
  flipped[at] = 0x23;
  t.throws(() => zipHash1(flipped), { instanceOf: SyntaxError, message: /CRC-32/ });
});
