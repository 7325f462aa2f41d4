import test from 'ava';
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { runInspector } from '@artifactapi/plugin-sdk/testkit';
import { assertPlainData, checkAsyncProperty, hostileBytes, hostileUrl, onlyThrows, checkPrototypesAfterEach, staysUnder } from '@artifactapi/plugin-sdk/testkit/fuzz';
import plugin from '../src/index.js';

// Properties of the repomd.xml and primary.xml inspectors over hostile repository metadata: a
// SyntaxError for what is not well-formed (or does not decompress), else plain facts keyed by
// paths inside the repository (an href that climbs out, or is absolute, names no file of it).

checkPrototypesAfterEach(test.afterEach.always);

const UPSTREAM = 'https://mirror.test/almalinux';
const ROOT = '9/BaseOS/x86_64/os/';
const PUBLIC_BASE = 'http://proxy.test/api/v1/remote/rpm';

const xmlAttr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
const href = fc.oneof(hostileUrl([UPSTREAM, `${UPSTREAM}/${ROOT}`]), fc.constantFrom('repodata/x-primary.xml.gz', 'Packages/b/bash.rpm', '__proto__', 'constructor', '../x.rpm', 'a/../../x.rpm', '\\..\\..\\x.rpm', '/etc/x.rpm'));
const checksum = fc.tuple(fc.constantFrom('sha256', 'SHA512', 'md5', 'sha', '__proto__', 'constructor'), fc.constantFrom('a'.repeat(64), 'b'.repeat(128), 'c'.repeat(40), 'zz')).map(([type, hex]) => `<checksum type="${type}" pkgid="YES">${hex}</checksum>`);
const repomd = fc
  .array(fc.tuple(fc.constantFrom('primary', 'filelists', 'primary_db', '__proto__', ''), href, checksum), { maxLength: 4 })
  .map((entries) => `<?xml version="1.0"?><repomd xmlns="http://linux.duke.edu/metadata/repo">${entries.map(([type, h, c]) => `<data type="${xmlAttr(type)}">${c}<location href="${xmlAttr(h)}"/></data>`).join('')}</repomd>`);
const pkg = fc
  .record({ name: fc.constantFrom('bash', '__proto__', '<x>'), href, base: fc.option(fc.oneof(hostileUrl([UPSTREAM, `${UPSTREAM}/${ROOT}`]), fc.constantFrom('', UPSTREAM, `${UPSTREAM}/`)), { nil: undefined }), checksum, time: fc.constantFrom('1700000000', '-1', 'x', '99999999999999999999'), size: fc.constantFrom('123', 'x', '') })
  .map((p) => `<package type="rpm"><name>${xmlAttr(p.name)}</name><arch>x86_64</arch><version epoch="0" ver="5.2" rel="1"/>${p.checksum}<time file="${p.time}" build="1"/><size package="${p.size}"/><location${p.base === undefined ? '' : ` xml:base="${xmlAttr(p.base)}"`} href="${xmlAttr(p.href)}"/></package>`);
const primary = fc.array(pkg, { maxLength: 4 }).map((ps) => `<?xml version="1.0"?><metadata xmlns="http://linux.duke.edu/metadata/common" packages="${ps.length}">${ps.join('')}</metadata>`);
const junk = fc.constantFrom('<a>', '<!DOCTYPE x [<!ENTITY e "x">]><x>&e;</x>', '<x y="1" y="2"/>', '', '<?xml version="1.0"?>', '<x>&unknown;</x>');

function checkKeys(facts: Record<string, unknown>): void {
  assertPlainData(facts);
  for (const key of Object.keys(facts)) if (/\\/.test(key) || !staysUnder(`${PUBLIC_BASE}/${key}`, PUBLIC_BASE) || key.split('/').includes('..')) throw new Error(`fact key ${key} is not a path inside the repository`);
}

test('repomd inspector: a SyntaxError, or plain facts keyed by paths inside the repository', async (t) => {
  const body = fc.oneof({ arbitrary: repomd, weight: 4 }, { arbitrary: junk, weight: 1 }, { arbitrary: hostileBytes(repomd.map((x) => new TextEncoder().encode(x))), weight: 1 });
  await checkAsyncProperty(
    fc.asyncProperty(body, fc.constantFrom('repodata/repomd.xml', `${ROOT}repodata/repomd.xml`), async (input, path) => {
      const facts = await onlyThrows([SyntaxError], () => runInspector(plugin, 'rpm-repomd', input, { upstreamBase: UPSTREAM, path }));
      if (facts) checkKeys(facts);
    }),
    250,
  );
  t.pass();
});

test('primary inspector: a SyntaxError, or plain facts keyed by paths inside the repository, plain or gzip', async (t) => {
  const body = fc.oneof({ arbitrary: primary, weight: 4 }, { arbitrary: junk, weight: 1 }, { arbitrary: hostileBytes(primary.map((x) => new TextEncoder().encode(x))), weight: 1 });
  await checkAsyncProperty(
    fc.asyncProperty(body, fc.boolean(), async (input, gzip) => {
      const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
      const path = `${ROOT}repodata/abc-primary.xml${gzip ? '.gz' : ''}`;
      const facts = await onlyThrows([SyntaxError], () => runInspector(plugin, 'rpm-primary', gzip && typeof input === 'string' ? gzipSync(bytes) : bytes, { upstreamBase: UPSTREAM, path }));
      if (facts) checkKeys(facts);
    }),
    250,
  );
  t.pass();
});

test('regression: an href with backslashes names no file of the repository', async (t) => {
  const xml = `<repomd><data type="primary"><location href="\\..\\..\\x.xml.gz"/></data><data type="other"><location href="repodata/o.xml.gz"/></data></repomd>`;
  t.deepEqual(Object.keys(await runInspector(plugin, 'rpm-repomd', xml, { upstreamBase: UPSTREAM, path: `${ROOT}repodata/repomd.xml` })), [`${ROOT}repodata/o.xml.gz`]);
});

test('regression: an href `__proto__` is a fact key like any other, not the prototype of the facts', async (t) => {
  const facts = await runInspector(plugin, 'rpm-repomd', '<repomd><data type="primary"><location href="__proto__"/></data></repomd>', { upstreamBase: UPSTREAM, path: 'repodata/repomd.xml' });
  t.is(Object.getPrototypeOf(facts), Object.prototype);
  t.deepEqual(Object.keys(facts), ['__proto__']);
});
