import test from 'ava';
import fc from 'fast-check';
import { runInspector, runRewriter } from '@artifactapi/plugin-sdk/testkit';
import {
  assertPlainData,
  checkAsyncProperty,
  hostileBytes,
  hostileJsonValue,
  hostileKey,
  hostileUrl,
  loose,
  onlyThrows,
  checkPrototypesAfterEach,
  quarantineCutoff,
  staysUnder,
  stringsIn,
  timestamp,
} from '@artifactapi/plugin-sdk/testkit/fuzz';
import plugin from '../src/index.js';

// Properties of the Forge document rewriter and release inspector over hostile documents. The
// rewriter's contract (rewrite-document.ts): every absolute http(s) URL below the upstream's
// `/v3/` (no credentials) becomes root-relative `/v3/…`, which puppet resolves against the proxy;
// every other string is left as the Forge wrote it.

checkPrototypesAfterEach(test.afterEach.always);

const PUBLIC_BASE = 'http://proxy.test/api/v1/remote/forge';
const upstreamBase = fc.constantFrom('https://forge.test', 'https://forge.test/mirror', 'https://FORGE.test:443/mirror/');
const url = hostileUrl(['https://forge.test/v3', 'https://forge.test/mirror/v3', 'https://forge.test']);
const release = fc.record(
  {
    slug: loose(fc.constantFrom('acme-x-1.0.0', '__proto__')),
    version: loose(fc.constantFrom('1.0.0', '2.0.0-rc1')),
    created_at: loose(timestamp()),
    file_uri: loose(fc.oneof(url, fc.constantFrom('/v3/files/acme-x-1.0.0.tar.gz', '//evil.test/v3/files/x.tar.gz', '/v3/files/../../x', 'v3/files/x.tar.gz'))),
    file_sha256: loose(fc.constantFrom('a'.repeat(64), 'no')),
    file_md5: loose(fc.constantFrom('b'.repeat(32), 'no')),
    module: loose(fc.record({ slug: loose(fc.constantFrom('acme-x')), uri: loose(url) }, { requiredKeys: [] })),
    metadata: loose(fc.dictionary(hostileKey(), loose(fc.oneof(url, fc.string({ maxLength: 6 }))), { maxKeys: 3, noNullPrototype: true })),
  },
  { requiredKeys: [] },
);
const document = fc
  .tuple(
    fc.record(
      {
        pagination: loose(fc.record({ next: loose(fc.oneof(url, fc.constant(null))), total: loose(fc.nat(50)) }, { requiredKeys: [] })),
        results: loose(fc.array(loose(release), { maxLength: 3 })),
        releases: loose(fc.array(loose(release), { maxLength: 3 })),
        current_release: loose(release),
      },
      { requiredKeys: [] },
    ),
    release,
    fc.dictionary(hostileKey(), hostileJsonValue(2), { maxKeys: 2, noNullPrototype: true }),
  )
  .map(([list, one, extra]) => JSON.stringify({ ...extra, ...one, ...list }));
const body = fc.oneof({ arbitrary: document, weight: 4 }, { arbitrary: hostileBytes(document.map((d) => new TextEncoder().encode(d))), weight: 1 });
const path = fc.constantFrom('v3/releases', 'v3/modules', 'v3/modules/acme-x', 'v3/releases/acme-x-1.0.0');

/** The origin + path of a URL the contract says must have become root-relative. */
function shouldBeRelative(value: string, base: string): boolean {
  if (!/^https?:\/\//i.test(value) || !URL.canParse(value)) return false;
  const u = new URL(value);
  const b = new URL(base);
  const basePath = (b.origin + b.pathname).replace(/\/+$/, '');
  return !u.username && !u.password && (u.origin + u.pathname).startsWith(`${basePath}/v3/`);
}

test('forge rewriter: a SyntaxError, or JSON where no URL below the upstream\'s /v3/ is left absolute', async (t) => {
  await checkAsyncProperty(
    fc.asyncProperty(body, path, upstreamBase, quarantineCutoff(), async (input, docPath, base, cutoff) => {
      const ctx = { publicBase: PUBLIC_BASE, upstreamBase: base, path: docPath, ...(cutoff !== undefined ? { quarantineCutoff: cutoff } : {}) };
      const index = docPath.startsWith('v3/releases/') ? 'forge-release' : docPath === 'v3/modules/acme-x' ? 'forge-module' : 'forge-list';
      const result = await onlyThrows([SyntaxError], () => runRewriter(plugin, index, input, ctx));
      if (!result) return;
      const doc = JSON.parse(new TextDecoder().decode(result.body)) as unknown;
      assertPlainData(doc);
      for (const value of stringsIn(doc)) {
        if (shouldBeRelative(value, base)) throw new Error(`${value} is below ${base}/v3/ but was left absolute`);
      }
    }),
    250,
  );
  t.pass();
});

test('release inspector: a SyntaxError, or plain facts keyed by v3/files/ paths', async (t) => {
  await checkAsyncProperty(
    fc.asyncProperty(body, upstreamBase, async (input, base) => {
      const facts = await onlyThrows([SyntaxError], () => runInspector(plugin, 'forge-release', input, { upstreamBase: base, path: 'v3/releases/acme-x-1.0.0' }));
      if (!facts) return;
      assertPlainData(facts);
      for (const key of Object.keys(facts)) {
        if (!key.startsWith('v3/files/') || !staysUnder(`${PUBLIC_BASE}/${key}`, `${PUBLIC_BASE}/v3/files`)) throw new Error(`fact key ${key} is not below v3/files/`);
      }
    }),
    250,
  );
  t.pass();
});

test('regression: a file_uri that climbs out of /v3/files/ names no tarball', async (t) => {
  const facts = await runInspector(plugin, 'forge-release', JSON.stringify({ file_uri: '/v3/files/../../x', version: '1.0.0' }), { upstreamBase: 'https://forge.test', path: 'v3/releases/acme-x-1.0.0' });
  t.deepEqual(Object.keys(facts), ['v3/files/acme-x-1.0.0.tar.gz']);
});
