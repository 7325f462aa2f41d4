import test from 'ava';
import fc from 'fast-check';
import { runInspector, runRewriter } from '@artifactapi/plugin-sdk/testkit';
import {
  assertPlainData,
  checkAsyncProperty,
  hostileBytes,
  hostileKey,
  hostileUrl,
  loose,
  onlyThrows,
  checkPrototypesAfterEach,
  quarantineCutoff,
  staysUnder,
  timestamp,
} from '@artifactapi/plugin-sdk/testkit/fuzz';
import plugin from '../src/index.js';
import { tarballFileName, tarballPath } from '../src/names.js';

// Properties of the packument rewriter and inspector over hostile packuments. The rewriter's
// contract: every version's `dist.tarball` points at the proxy (`{publicBase}/{name}/-/{file}`),
// whatever the upstream wrote there; nothing else in the document is a download link.

checkPrototypesAfterEach(test.afterEach.always);

const PUBLIC_BASE = 'http://proxy.test/api/v1/remote/npm';
const UPSTREAM = 'https://registry.test';

const version = fc.oneof(fc.constantFrom('1.0.0', '2.0.0-beta.1', '1.0.0+build', '__proto__', 'constructor', '../../../x', '\\..\\..\\..\\..', '%2e%2e', 'a/b', 'a?b#c'), fc.string({ maxLength: 8 }));
const shortVersion = fc.constantFrom('a', 'b', '0', '1', 'x');
const nearCutoff = fc.constantFrom('2001-01-01T00:00:00Z', '2030-01-01T00:00:00Z');
const dist = fc.record(
  {
    tarball: loose(fc.oneof(hostileUrl([UPSTREAM]), fc.constantFrom('https://registry.test/foo/-/\\..\\..\\..\\..\\..\\..\\evil.tgz', 'https://registry.test/foo/-/..', 'https://registry.test/foo/-/%2e%2e'))),
    integrity: loose(fc.constantFrom('sha512-' + 'A'.repeat(86) + '==', 'sha1-abc', 'sha512-', 'md5-x sha256-' + 'B'.repeat(43) + '=', '')),
    shasum: loose(fc.constantFrom('a'.repeat(40), 'xyz', '')),
  },
  { requiredKeys: [] },
);
const manifest = fc.record({ name: loose(fc.constant('foo')), version: loose(version), dist: loose(dist), scripts: loose(fc.dictionary(fc.constantFrom('install', 'test', '__proto__'), fc.string({ maxLength: 4 }), { noNullPrototype: true })) }, { requiredKeys: [] });
const packument = fc
  .tuple(
    fc.record(
      {
        name: loose(fc.constantFrom('foo', '@scope/foo', '__proto__')),
        // Short names and scalars where objects belong: a string `dist-tags` has index keys `0`, `1`…
        'dist-tags': fc.oneof(loose(fc.dictionary(fc.oneof(fc.constant('latest'), hostileKey()), loose(fc.oneof(version, shortVersion)), { maxKeys: 3, noNullPrototype: true })), fc.constantFrom('a', 'xyz', 7, ['a'])),
        versions: fc.oneof(loose(fc.dictionary(fc.oneof(version, shortVersion), loose(manifest), { maxKeys: 4, noNullPrototype: true })), fc.constantFrom('ab', ['a'])),
        time: fc.oneof(loose(fc.dictionary(fc.oneof(version, shortVersion, fc.constant('modified')), loose(fc.oneof(timestamp(), nearCutoff)), { maxKeys: 4, noNullPrototype: true })), fc.constantFrom('2', '2030-01-01', ['2030-01-01T00:00:00Z'])),
      },
      { requiredKeys: [] },
    ),
    fc.dictionary(hostileKey(), fc.string({ maxLength: 4 }), { maxKeys: 2, noNullPrototype: true }),
  )
  .map(([known, extra]) => JSON.stringify({ ...extra, ...known }));
const body = fc.oneof({ arbitrary: packument, weight: 5 }, { arbitrary: hostileBytes(packument.map((s) => new TextEncoder().encode(s))), weight: 1 });
const path = fc.constantFrom('foo', '@scope%2ffoo');

test('packument rewriter: a SyntaxError or JSON whose every dist.tarball is below the public base', async (t) => {
  await checkAsyncProperty(
    fc.asyncProperty(body, path, fc.constantFrom('full', 'abbreviated'), fc.oneof(quarantineCutoff(), fc.constant(Date.parse('2026-01-01T00:00:00Z'))), async (input, docPath, variant, cutoff) => {
      const ctx = { publicBase: PUBLIC_BASE, upstreamBase: UPSTREAM, path: docPath, variant, ...(cutoff !== undefined ? { quarantineCutoff: cutoff } : {}) };
      const result = await onlyThrows([SyntaxError], () => runRewriter(plugin, 'packument', input, ctx));
      if (!result) return;
      const doc = JSON.parse(new TextDecoder().decode(result.body)) as { versions?: Record<string, { dist?: { tarball?: unknown } }> };
      assertPlainData(doc);
      for (const [v, m] of Object.entries(doc.versions ?? {})) {
        if (typeof m !== 'object' || m === null || typeof m.dist !== 'object' || m.dist === null || Array.isArray(m.dist)) continue;
        const tarball = m.dist.tarball;
        if (typeof tarball !== 'string' || !tarball.startsWith(`${PUBLIC_BASE}/`) || !staysUnder(tarball, PUBLIC_BASE)) throw new Error(`version ${v}: dist.tarball ${String(tarball)} leaves ${PUBLIC_BASE}`);
      }
    }),
    250,
  );
  t.pass();
});

test('packument inspector: a SyntaxError or plain facts keyed by tarball paths below the package', async (t) => {
  await checkAsyncProperty(
    fc.asyncProperty(body, path, async (input, docPath) => {
      const facts = await onlyThrows([SyntaxError], () => runInspector(plugin, 'packument', input, { upstreamBase: UPSTREAM, path: docPath }));
      if (!facts) return;
      assertPlainData(facts);
      const name = docPath.replace('%2f', '/');
      for (const key of Object.keys(facts)) {
        if (!key.startsWith(`${name}/-/`) || !staysUnder(`${PUBLIC_BASE}/${key}`, `${PUBLIC_BASE}/${name}/-`)) throw new Error(`fact key ${key} is not a tarball of ${name}`);
      }
    }),
    250,
  );
  t.pass();
});

test('regression: a dist.tarball whose last segment climbs with backslashes or dots still points below the package', (t) => {
  for (const tarball of ['https://registry.test/foo/-/\\..\\..\\..\\..\\..\\evil.tgz', 'https://registry.test/foo/-/..', 'https://registry.test/foo/-/%2e%2e']) {
    const file = tarballFileName('foo', '1.0.0', tarball);
    t.true(staysUnder(`${PUBLIC_BASE}/${tarballPath('foo', file)}`, `${PUBLIC_BASE}/foo/-`), `${tarball} → ${file}`);
  }
  t.is(tarballFileName('foo', '../../../../x', undefined), 'foo-..%2F..%2F..%2F..%2Fx.tgz');
  t.is(tarballFileName('foo', '1.0.0', 'https://registry.test/foo/-/foo-1.0.0.tgz'), 'foo-1.0.0.tgz');
});

test('regression: quarantine of a packument whose dist-tags, time or versions is a string or an array is no TypeError', async (t) => {
  const cutoff = Date.parse('2026-01-01T00:00:00Z');
  for (const doc of [
    { versions: { a: {} }, time: { a: '2030-01-01T00:00:00Z' }, 'dist-tags': 'a' },
    { versions: { a: {}, b: {} }, time: { a: '2030-01-01T00:00:00Z', b: '2001-01-01T00:00:00Z' }, 'dist-tags': 'xyz' },
    { versions: 'ab', time: { 0: '2030-01-01T00:00:00Z' } },
    { versions: { 0: {} }, time: '2030' },
  ]) {
    const result = await runRewriter(plugin, 'packument', JSON.stringify(doc), { publicBase: PUBLIC_BASE, path: 'foo', quarantineCutoff: cutoff });
    t.is(result.contentType, 'application/json');
  }
  // A `time` that is not an object dates nothing: version 0 is not "published" at time[0] = '2'.
  const facts = await runInspector(plugin, 'packument', JSON.stringify({ versions: { 0: {} }, time: '2030' }), { path: 'foo' });
  t.deepEqual(Object.values(facts).map((f) => f.publishedAt), [undefined]);
});
