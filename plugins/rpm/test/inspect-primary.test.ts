import { createHash } from 'node:crypto';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import test from 'ava';
import type { ArtifactFacts } from '@artifactapi/plugin-sdk';
import { runInspector } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';
import { ROOT, UPSTREAM, fixture } from './fixtures.js';

const PRIMARY = `${ROOT}repodata/0c929037e94d03095f9933c2306fb6d883ef93203976fefaeabbc157ebb1cd37-primary.xml`;

function inspect(body: Uint8Array | string, path: string): Promise<Record<string, ArtifactFacts>> {
  return runInspector(plugin, 'rpm-primary', body, { upstreamBase: UPSTREAM, path });
}

const EXPECTED: Record<string, ArtifactFacts> = {
  [`${ROOT}Packages/bash-5.1.8-9.el9.x86_64.rpm`]: {
    version: 'bash-5.1.8-9.el9.x86_64',
    digests: [{ algorithm: 'sha256', hex: '6f1c4e3b2a19d8c7e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2' }],
    publishedAt: 1714000000_000,
    size: 1771541,
  },
  [`${ROOT}Packages/p/perl-Errno-1.30-481.el9.x86_64.rpm`]: {
    version: 'perl-Errno-1.30-481.el9.x86_64',
    digests: [{ algorithm: 'sha512', hex: 'abcdef0123456789'.repeat(8) }],
    publishedAt: 1700000000_000,
    size: 14000,
  },
  // xml:base under base_url: keyed by where it is under the remote; md5 gives no digest.
  '9/extras/x86_64/os/Packages/kernel-5.14.0-427.el9.x86_64.rpm': { version: 'kernel-2:5.14.0-427.el9.x86_64', publishedAt: 1720000000_000, size: 1 },
};

for (const [suffix, compress] of [
  ['.gz', (b: Buffer) => gzipSync(b)],
  ['.zst', (b: Buffer) => zstdCompressSync(b)],
  ['', (b: Buffer) => b],
] as const) {
  test(`packages of a primary.xml${suffix || ' (uncompressed)'}: sha256 of the .rpm, <time file>, name-epoch:version-release.arch`, async (t) => {
    const facts = await inspect(compress(await fixture('primary.xml')), `${PRIMARY}${suffix}`);
    t.deepEqual(facts, EXPECTED, 'a package on another host (xml:base elsewhere) is left out');
  });
}

test('a primary.xml much larger than one read is parsed in pieces, every package found', async (t) => {
  const count = 5_000;
  let xml = '<?xml version="1.0"?>\n<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm">\n';
  for (let i = 0; i < count; i++) {
    const hex = createHash('sha256').update(String(i)).digest('hex');
    xml +=
      `<package type="rpm"><name>p${i}</name><arch>noarch</arch><version epoch="0" ver="1" rel="${i}"/>` +
      `<checksum type="sha256" pkgid="YES">${hex}</checksum><description>${'long text '.repeat(50)}</description>` +
      `<time file="${1700000000 + i}" build="1"/><location href="Packages/p${i}-1-${i}.noarch.rpm"/><format><rpm:provides><rpm:entry name="p${i}"/></rpm:provides></format></package>\n`;
  }
  xml += '</metadata>\n';
  const body = gzipSync(Buffer.from(xml));
  t.true(xml.length > 3 * 1024 * 1024, `${xml.length} bytes of XML`);
  const facts = await inspect(body, `${PRIMARY}.gz`);
  t.is(Object.keys(facts).length, count);
  t.deepEqual(facts[`${ROOT}Packages/p4321-1-4321.noarch.rpm`]!.digests, [{ algorithm: 'sha256', hex: createHash('sha256').update('4321').digest('hex') }]);
});

test('a digest that is not hex of the right length is never offered (no wrong digest, no acceptance by default)', async (t) => {
  const xml = (checksum: string) =>
    `<metadata><package type="rpm"><name>x</name><arch>noarch</arch><version ver="1" rel="1"/>${checksum}<location href="x.rpm"/></package></metadata>`;
  for (const bad of ['<checksum type="sha256">abc</checksum>', '<checksum type="sha256">' + 'z'.repeat(64) + '</checksum>', '<checksum type="sha384">' + 'a'.repeat(96) + '</checksum>']) {
    const facts = await inspect(xml(bad), `${PRIMARY}`);
    t.is(facts[`${ROOT}x.rpm`]!.digests, undefined, bad);
  }
  const good = await inspect(xml(`<checksum type="SHA256">${'A'.repeat(64)}</checksum>`), PRIMARY);
  t.deepEqual(good[`${ROOT}x.rpm`]!.digests, [{ algorithm: 'sha256', hex: 'a'.repeat(64) }]);
});

test('a truncated or corrupt primary is a SyntaxError, never a shorter package list', async (t) => {
  const whole = gzipSync(await fixture('primary.xml'));
  await t.throwsAsync(inspect(whole.subarray(0, whole.length - 40), `${PRIMARY}.gz`), { instanceOf: SyntaxError });
  await t.throwsAsync(inspect(Buffer.from('not gzip at all'), `${PRIMARY}.gz`), { instanceOf: SyntaxError });
  const xml = (await fixture('primary.xml')).toString();
  await t.throwsAsync(inspect(xml.slice(0, xml.length / 2), PRIMARY), { instanceOf: SyntaxError });
  await t.throwsAsync(inspect(Buffer.from('x'), `${PRIMARY}.xz`), { instanceOf: SyntaxError, message: /not supported/ });
});
