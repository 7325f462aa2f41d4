import test from 'ava';
import { createHash } from 'node:crypto';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { zipEntries } from '@artifactapi/plugin-sdk';
import { archiveHashes } from '../src/index.js';

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/** Go's dirhash.Hash1 over a zip, written out independently with fflate's unzip. */
function referenceH1(zip: Uint8Array): string {
  const files = unzipSync(zip);
  const summary = Object.keys(files).sort().map((name) => `${sha256(files[name]!)}  ${name}\n`).join('');
  return `h1:${createHash('sha256').update(summary).digest('base64')}`;
}

const zip = zipSync({
  'terraform-provider-null_v3.2.1_x5': strToU8('binary'.repeat(5000)),
  'LICENSE.txt': [strToU8('MPL-2.0\n'), { level: 0 }],
  'docs/README.md': strToU8('# null\n'),
});

test('h1: is dirhash Hash1 of the files (deflated and stored entries), zh: the sha256 of the zip', (t) => {
  const hashes = archiveHashes(zip);
  t.is(hashes.h1, referenceH1(zip));
  t.is(hashes.zh, `zh:${sha256(zip)}`);
});

test('h1: of a one-file zip, by hand', (t) => {
  const one = zipSync({ a: strToU8('hello\n') });
  const line = `${sha256('hello\n')}  a\n`;
  t.is(archiveHashes(one).h1, `h1:${createHash('sha256').update(line).digest('base64')}`);
});

test('entries are listed in central-directory order with their contents', (t) => {
  const entries = zipEntries(zip);
  t.deepEqual(entries.map((e) => e.name), ['terraform-provider-null_v3.2.1_x5', 'LICENSE.txt', 'docs/README.md']);
  t.is(Buffer.from(entries[1]!.content()).toString(), 'MPL-2.0\n');
});

test('what is not a readable zip is a SyntaxError (an unreadable upstream document, 502)', (t) => {
  t.throws(() => archiveHashes(strToU8('not a zip at all')), { instanceOf: SyntaxError, message: /not a zip/ });
  const cut = zip.slice(0, 40);
  t.throws(() => archiveHashes(cut), { instanceOf: SyntaxError });
  const corrupt = zip.slice();
  corrupt[100] ^= 0xff; // inside the first (deflated) entry's data (its local header ends at 63)
  t.throws(() => archiveHashes(corrupt), { instanceOf: SyntaxError });
});
