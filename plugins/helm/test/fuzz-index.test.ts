import test from 'ava';
import fc from 'fast-check';
import { CORE_SCHEMA, dump } from 'js-yaml';
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
  timestamp,
} from '@artifactapi/plugin-sdk/testkit/fuzz';
import { load } from 'js-yaml';
import plugin from '../src/index.js';

// Properties of the index.yaml rewriter and inspector over hostile indexes. The rewriter's
// contract (chart-location.ts): a chart URL the proxy can fetch (on base_url's host or under
// files_url, http(s), no query, no credentials) points at the proxy; a relative URL already
// naming its repository path stays relative (it resolves against the proxy); any other URL is
// left as the index gives it.

checkPrototypesAfterEach(test.afterEach.always);

const PUBLIC_BASE = 'http://proxy.test/api/v1/remote/helm';
const BASE = 'https://charts.test/stable';
const FILES = 'https://files.test/dl';

const options = fc.constantFrom<Record<string, unknown>>({}, { files_url: FILES }, { files_url: `${FILES}/` });
const chartUrl = fc.oneof(hostileUrl([BASE, FILES, 'https://charts.test/']), fc.constantFrom('__proto__', 'constructor', 'charts/x-1.0.0.tgz', '-/origin/x.tgz', '../x.tgz', '\\..\\..\\x.tgz'));
const chartVersion = fc.record(
  {
    name: loose(fc.constantFrom('x', '__proto__')),
    version: loose(fc.constantFrom('1.0.0', '2.0.0-rc.1')),
    created: loose(timestamp()),
    digest: loose(fc.constantFrom('a'.repeat(64), `sha256:${'B'.repeat(64)}`, 'nope')),
    urls: loose(fc.array(loose(chartUrl), { maxLength: 3 })),
  },
  { requiredKeys: [] },
);
const indexDoc = fc
  .tuple(
    fc.record({ apiVersion: loose(fc.constant('v1')), entries: loose(fc.dictionary(fc.oneof(fc.constantFrom('x', 'y'), hostileKey()), loose(fc.array(loose(chartVersion), { maxLength: 3 })), { maxKeys: 3, noNullPrototype: true })) }, { requiredKeys: [] }),
    fc.dictionary(hostileKey(), hostileJsonValue(1), { maxKeys: 2, noNullPrototype: true }),
  )
  .map(([known, extra]) => ({ ...extra, ...known }));
const body = fc.oneof(
  { arbitrary: indexDoc.map((d) => dump(d, { schema: CORE_SCHEMA })), weight: 3 },
  { arbitrary: indexDoc.map((d) => JSON.stringify(d)), weight: 2 },
  { arbitrary: fc.constantFrom('entries: &a [*a]\n', 'entries: !!js/function x\n', 'a: &a [*a, *a, *a]\nb: [*a, *a, *a, *a]\n', '__proto__: {entries: {}}\n', '{"entries": 1}', '- 1\n'), weight: 1 },
  { arbitrary: hostileBytes().map((b) => new TextDecoder().decode(b)), weight: 1 },
);

/** Whether the proxy can fetch a chart URL as the index gives it: written out apart from chart-location.ts. */
function proxiable(url: string, opts: Record<string, unknown>): boolean {
  let u: URL;
  try {
    u = new URL(url, `${BASE}/`);
  } catch {
    return false;
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password || u.search) return false;
  const files = typeof opts.files_url === 'string' ? new URL(opts.files_url) : undefined;
  return (u.origin === new URL(BASE).origin && u.pathname.length > 1) || (files !== undefined && u.origin === files.origin && u.pathname.startsWith(`${files.pathname.replace(/\/+$/, '')}/`) && u.pathname.length > files.pathname.replace(/\/+$/, '').length + 1);
}

function chartUrlsOf(doc: unknown): unknown[] {
  const entries = (doc as { entries?: unknown } | null)?.entries;
  if (typeof entries !== 'object' || entries === null) return [];
  return Object.values(entries).flatMap((versions) => (Array.isArray(versions) ? versions : [])).flatMap((v) => (typeof v === 'object' && v !== null && Array.isArray((v as { urls?: unknown }).urls) ? ((v as { urls: unknown[] }).urls) : []));
}

test('index rewriter: a SyntaxError, or an index whose chart URLs lead to the proxy unless the proxy cannot fetch them', async (t) => {
  await checkAsyncProperty(
    fc.asyncProperty(body, options, quarantineCutoff(), async (input, opts, cutoff) => {
      const ctx = { publicBase: PUBLIC_BASE, upstreamBase: BASE, path: 'index.yaml', options: opts, ...(cutoff !== undefined ? { quarantineCutoff: cutoff } : {}) };
      const result = await onlyThrows([SyntaxError], () => runRewriter(plugin, 'helm-index', input, ctx));
      if (!result) return;
      const text = new TextDecoder().decode(result.body);
      const doc = result.contentType === 'application/json' ? JSON.parse(text) : load(text, { schema: CORE_SCHEMA });
      for (const url of chartUrlsOf(doc)) {
        if (typeof url !== 'string' || staysUnder(url, PUBLIC_BASE)) continue;
        if (proxiable(url, opts)) throw new Error(`${url} can be fetched by the proxy but points elsewhere`);
      }
    }),
    250,
  );
  t.pass();
});

test('index inspector: a SyntaxError, or plain facts keyed by paths below the repository', async (t) => {
  await checkAsyncProperty(
    fc.asyncProperty(body, options, async (input, opts) => {
      const facts = await onlyThrows([SyntaxError], () => runInspector(plugin, 'helm-index', input, { upstreamBase: BASE, path: 'index.yaml', options: opts }));
      if (!facts) return;
      assertPlainData(facts);
      for (const key of Object.keys(facts)) if (!staysUnder(`${PUBLIC_BASE}/${key}`, PUBLIC_BASE)) throw new Error(`fact key ${key} leaves the repository`);
    }),
    250,
  );
  t.pass();
});

test('regression: a chart URL `__proto__` is a fact key like any other, not the prototype of the facts', async (t) => {
  const facts = await runInspector(plugin, 'helm-index', 'entries:\n  x:\n    - urls: [__proto__]\n      version: 1.0.0\n', { upstreamBase: BASE, path: 'index.yaml' });
  t.is(Object.getPrototypeOf(facts), Object.prototype);
  t.deepEqual(Object.keys(facts), ['__proto__', '__proto__.prov']);
});
