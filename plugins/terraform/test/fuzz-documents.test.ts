import test from 'ava';
import fc from 'fast-check';
import { runInspector, runRewriter } from '@artifactapi/plugin-sdk/testkit';
import {
  assertPlainData,
  checkAsyncProperty,
  checkProperty,
  hostileBytes,
  hostileJsonValue,
  hostileKey,
  hostileUrl,
  loose,
  onlyThrows,
  onlyThrowsSync,
  checkPrototypesAfterEach,
  staysUnder,
} from '@artifactapi/plugin-sdk/testkit/fuzz';
import plugin, { formatShasums, parseShasums } from '../src/index.js';

// Properties of the provider download rewriter, the SHA256SUMS inspector and parser over hostile
// documents. The rewriter's contract (download-location.ts): download_url, shasums_url and
// shasums_signature_url on base_url's origin or a `download_urls` origin (http(s), no query, no
// credentials, a file path) become `{publicBase}/-/dl/{host}/{path}`; any other URL is left as
// the registry gave it; no other field changes. (download_urls itself is operator config, checked
// as URLs by the options schema, so it is not generated hostile here.)

checkPrototypesAfterEach(test.afterEach.always);

const PUBLIC_BASE = 'http://proxy.test/api/v1/remote/tf';
const BASE = 'https://registry.test';
const RELEASES = 'https://releases.test';
const FIELDS = ['download_url', 'shasums_url', 'shasums_signature_url'] as const;
const DOC_PATH = 'v1/providers/acme/x/1.0.0/download/linux/amd64';

const options = fc.constantFrom<Record<string, unknown>>({}, { download_urls: [RELEASES] }, { download_urls: [`${RELEASES}/sub/`, 7] });
const url = fc.oneof(hostileUrl([BASE, RELEASES, `${RELEASES}/sub`]), fc.constantFrom('../../../x.zip', '/x.zip', 'x.zip', '//releases.test/x.zip'));
const document = fc
  .tuple(
    fc.record({ download_url: loose(url), shasums_url: loose(url), shasums_signature_url: loose(url), filename: loose(fc.constant('x.zip')), shasum: loose(fc.constant('a'.repeat(64))) }, { requiredKeys: [] }),
    fc.dictionary(hostileKey(), hostileJsonValue(2), { maxKeys: 2, noNullPrototype: true }),
  )
  .map(([known, extra]) => JSON.stringify({ ...extra, ...known }));
const body = fc.oneof({ arbitrary: document, weight: 4 }, { arbitrary: hostileBytes(document.map((d) => new TextEncoder().encode(d))), weight: 1 });

/** Whether the proxy may fetch a file URL of the document: written out apart from download-location.ts. */
function proxiable(value: string, opts: Record<string, unknown>): boolean {
  let u: URL;
  try {
    u = new URL(value, `${BASE}/${DOC_PATH}`);
  } catch {
    return false;
  }
  const allowed = [BASE, ...(Array.isArray(opts.download_urls) ? opts.download_urls : [])].flatMap((o) => (typeof o === 'string' && URL.canParse(o) ? [new URL(o).origin] : []));
  return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password && !u.search && allowed.includes(u.origin) && u.pathname.length > 1 && !u.pathname.endsWith('/');
}

test('download rewriter: a SyntaxError, or the file URLs it may fetch below the public base and every other field untouched', async (t) => {
  await checkAsyncProperty(
    fc.asyncProperty(body, options, async (input, opts) => {
      const result = await onlyThrows([SyntaxError], () => runRewriter(plugin, 'terraform-download', input, { publicBase: PUBLIC_BASE, upstreamBase: BASE, path: DOC_PATH, options: opts }));
      if (!result) return;
      const out = JSON.parse(new TextDecoder().decode(result.body)) as Record<string, unknown>;
      const original = JSON.parse(typeof input === 'string' ? input : new TextDecoder().decode(input)) as Record<string, unknown>;
      assertPlainData(out);
      for (const key of Object.keys(original)) {
        const field = FIELDS.find((f) => f === key);
        const value = original[key];
        if (field === undefined || typeof value !== 'string') {
          if (JSON.stringify(out[key]) !== JSON.stringify(value)) throw new Error(`${key} changed`);
        } else if (proxiable(value, opts)) {
          if (typeof out[key] !== 'string' || !(out[key] as string).startsWith(`${PUBLIC_BASE}/-/dl/`) || !staysUnder(out[key] as string, `${PUBLIC_BASE}/-/dl`)) throw new Error(`${key} ${value} → ${String(out[key])}`);
        } else if (out[key] !== value) throw new Error(`${key} ${value} is not the proxy's to fetch but became ${String(out[key])}`);
      }
    }),
    300,
  );
  t.pass();
});

const hex = fc.stringMatching(/^[0-9a-fA-F]{64}$/);
const fileName = fc.oneof(fc.constantFrom('x_1.0.0_linux_amd64.zip', '..', '.', '__proto__', 'a/b.zip', '\\..\\x.zip', 'a b.zip'), fc.stringMatching(/^\S(?:[^\n\r]*\S)?$/).filter((s) => s.length <= 20));

test('SHA256SUMS: what formatShasums writes parses back to the same names and lower-case digests', (t) => {
  checkProperty(
    fc.property(fc.uniqueArray(fc.tuple(fileName, hex), { maxLength: 5, selector: ([name]) => name }), (entries) => {
      const parsed = parseShasums(formatShasums(new Map(entries)));
      const expected = new Map(entries.map(([name, digest]) => [name, digest.toLowerCase()]));
      if (JSON.stringify([...parsed].sort()) !== JSON.stringify([...expected].sort())) throw new Error(`${JSON.stringify([...parsed])}`);
    }),
    300,
  );
  t.pass();
});

test('SHA256SUMS inspector: a SyntaxError, or plain facts keyed by files in the SUMS file\'s own folder', async (t) => {
  const line = fc.tuple(hex, fc.constantFrom('  ', ' *', ' ', '\t'), fileName, fc.constantFrom('\n', '\r\n', '')).map((p) => p.join(''));
  const sums = fc.oneof(fc.array(line, { maxLength: 5 }).map((l) => l.join('')), hostileBytes().map((b) => new TextDecoder().decode(b)));
  await checkAsyncProperty(
    fc.asyncProperty(sums, async (input) => {
      const dir = 'releases/x/1.0.0/';
      const facts = await onlyThrows([SyntaxError], () => runInspector(plugin, 'terraform-shasums', input, { upstreamBase: BASE, path: `${dir}x_1.0.0_SHA256SUMS` }));
      onlyThrowsSync([SyntaxError], () => parseShasums(input));
      if (!facts) return;
      assertPlainData(facts);
      for (const key of Object.keys(facts)) {
        const file = key.slice(dir.length);
        if (!key.startsWith(dir) || !staysUnder(`${PUBLIC_BASE}/${key}`, `${PUBLIC_BASE}/${dir.slice(0, -1)}`) || /[/\\]/.test(file) || file === '.' || file === '..') throw new Error(`fact key ${key} is not a file of ${dir}`);
      }
    }),
    300,
  );
  t.pass();
});

test('regression: a SHA256SUMS name that is not one plain file name (backslashes, dot segments) gets no facts', async (t) => {
  const sums = `${'a'.repeat(64)}  \\..\\x.zip\n${'b'.repeat(64)}  ..\n${'c'.repeat(64)}  x.zip\n`;
  const facts = await runInspector(plugin, 'terraform-shasums', sums, { upstreamBase: BASE, path: 'r/x_SHA256SUMS' });
  t.deepEqual(Object.keys(facts), ['r/x.zip']);
});

test('archive hashes rewriter: a SyntaxError for bytes that are not a readable zip, never another error', async (t) => {
  await checkAsyncProperty(
    fc.asyncProperty(hostileBytes(), async (bytes) => {
      await onlyThrows([SyntaxError], () => runRewriter(plugin, 'terraform-archive-hashes', bytes, { publicBase: PUBLIC_BASE, upstreamBase: BASE, path: `-/h1/-/dl/registry.test/x.zip` }));
    }),
    300,
  );
  t.pass();
});
