import test from 'ava';
import fc from 'fast-check';
import { Parser } from 'htmlparser2';
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
import plugin from '../src/index.js';

// Properties of the simple-API and JSON-API rewriters and the simple-page inspector over hostile
// pages. The rewriters' contract (link-map.ts): links to upstream files (`packages/…` on the files
// host) and provenance (`integrity/…` on the index host) point at the proxy; any other URL is
// kept as the page gave it (resolved). So no URL that the proxy can serve is left pointing upstream.

checkPrototypesAfterEach(test.afterEach.always);

const PUBLIC_BASE = 'http://proxy.test/api/v1/remote/pypi';
const INDEX = 'https://pypi.test/root';
const FILES = 'https://files.test/f';
const encoder = new TextEncoder();

const options = fc.constantFrom<Record<string, unknown>>({}, { files_url: FILES }, { files_url: `${FILES}/` });
const link = hostileUrl([`${FILES}/packages`, `${INDEX}/integrity`, `${INDEX}/packages`, INDEX, FILES]);
const filename = fc.oneof(fc.constantFrom('foo-1.0.tar.gz', 'foo-1.0-py3-none-any.whl', 'foo-2.0rc1.zip', '__proto__', 'constructor', '../x.whl', ''), fc.string({ maxLength: 8 }));
const hashes = fc.dictionary(fc.oneof(fc.constantFrom('sha256', 'md5', 'SHA256'), hostileKey()), loose(fc.constantFrom('a'.repeat(64), 'zz', '')), { maxKeys: 3, noNullPrototype: true });

const htmlAttr = (name: string, value: string | undefined) => (value === undefined ? '' : ` ${name}="${value.replace(/"/g, '&quot;')}"`);
const anchor = fc
  .record({ href: fc.option(link, { nil: undefined }), text: filename, requires: fc.option(fc.constantFrom('>=3.8', '&lt;4', '"'), { nil: undefined }), metadata: fc.option(fc.constantFrom('true', 'sha256=' + 'b'.repeat(64), '=x', ''), { nil: undefined }), yanked: fc.option(fc.string({ maxLength: 4 }), { nil: undefined }), provenance: fc.option(link, { nil: undefined }) })
  .map((a) => `<a${htmlAttr('href', a.href)}${htmlAttr('data-requires-python', a.requires)}${htmlAttr('data-core-metadata', a.metadata)}${htmlAttr('data-yanked', a.yanked)}${htmlAttr('data-provenance', a.provenance)}>${a.text}</a><br/>`);
const htmlPage = fc
  .tuple(fc.option(link, { nil: undefined }), fc.array(fc.oneof({ arbitrary: anchor, weight: 5 }, { arbitrary: fc.constantFrom('<a>', '</a>', '<base href="//evil.test/">', '<!--', '<script>', '<meta name="pypi:repository-version" content="1.1">'), weight: 1 }), { maxLength: 6 }))
  .map(([base, parts]) => `<!DOCTYPE html><html><head>${base === undefined ? '' : `<base href="${base}">`}</head><body>${parts.join('\n')}</body></html>`);
const jsonFile = fc.record(
  { filename: loose(filename), url: loose(link), hashes: loose(hashes), provenance: loose(link), 'upload-time': loose(timestamp()), yanked: loose(fc.oneof(fc.boolean(), fc.string({ maxLength: 4 }))), 'core-metadata': loose(fc.oneof(fc.constant(true), hashes)) },
  { requiredKeys: [] },
);
const jsonPage = fc
  .record({ meta: loose(fc.record({ 'api-version': loose(fc.constantFrom('1.0', '1.1')) })), name: loose(fc.constantFrom('foo', '__proto__')), files: loose(fc.array(loose(jsonFile), { maxLength: 5 })), versions: loose(fc.array(fc.constantFrom('1.0', '2.0rc1', '__proto__'), { maxLength: 3 })) }, { requiredKeys: [] })
  .chain((doc) => fc.dictionary(hostileKey(), hostileJsonValue(1), { maxKeys: 2, noNullPrototype: true }).map((extra) => JSON.stringify({ ...extra, ...doc })));
const page = fc.oneof({ arbitrary: htmlPage, weight: 3 }, { arbitrary: jsonPage, weight: 3 }, { arbitrary: hostileBytes().map((b) => new TextDecoder().decode(b)), weight: 1 });

/** Links of a rendered page: every href and data-provenance of HTML, every `url` and `provenance` of PEP 691 JSON. */
function linksOf(text: string, json: boolean): string[] {
  if (json) {
    const doc = JSON.parse(text) as { files?: unknown[] };
    return (doc.files ?? []).flatMap((f) => {
      const file = f as { url?: unknown; provenance?: unknown };
      return [file.url, file.provenance].filter((u): u is string => typeof u === 'string');
    });
  }
  const out: string[] = [];
  const parser = new Parser({ onopentag: (_name, attrs) => out.push(...[attrs.href, attrs['data-provenance']].filter((u): u is string => u !== undefined)) }, { decodeEntities: true });
  parser.write(text);
  parser.end();
  return out;
}

/** Whether the proxy serves this URL (so the page must not send clients upstream for it), written out apart from the plugin's own code. */
function proxiable(url: string, opts: Record<string, unknown>): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.search !== '') return false;
  const files = new URL(typeof opts.files_url === 'string' ? opts.files_url : INDEX);
  const filesPath = files.pathname.replace(/\/+$/, '');
  const index = new URL(INDEX);
  const under = (base: URL, basePath: string, folder: string) => u.origin === base.origin && u.pathname.startsWith(`${basePath}/${folder}/`) && u.pathname.length > `${basePath}/${folder}/`.length;
  return under(files, filesPath, 'packages') || under(index, index.pathname, 'integrity');
}

function checkLinks(text: string, json: boolean, opts: Record<string, unknown>): void {
  for (const url of linksOf(text, json)) {
    const hash = url.indexOf('#');
    const bare = hash < 0 ? url : url.slice(0, hash);
    if (bare.startsWith(`${PUBLIC_BASE}/`) && staysUnder(bare, PUBLIC_BASE)) continue;
    if (!URL.canParse(bare)) throw new Error(`${url} is neither below ${PUBLIC_BASE} nor an absolute URL`);
    if (proxiable(bare, opts)) throw new Error(`${url} is served by the proxy but still points upstream`);
  }
}

test('simple rewriter: a SyntaxError, or a page whose links are below the public base or not the proxy\'s to serve', async (t) => {
  await checkAsyncProperty(
    fc.asyncProperty(page, fc.constantFrom('html', 'v1-html', 'json'), options, quarantineCutoff(), async (input, variant, opts, cutoff) => {
      const ctx = { publicBase: PUBLIC_BASE, upstreamBase: INDEX, path: 'simple/foo/', variant, options: opts, ...(cutoff !== undefined ? { quarantineCutoff: cutoff } : {}) };
      const result = await onlyThrows([SyntaxError], () => runRewriter(plugin, 'simple', input, ctx));
      if (result) checkLinks(new TextDecoder().decode(result.body), variant === 'json', opts);
    }),
    250,
  );
  t.pass();
});

test('project list rewriter: a SyntaxError, or links that all lead to the proxy\'s simple pages', async (t) => {
  const names = fc.array(fc.oneof(filename, fc.constantFrom('..', '../..', '//evil.test', 'https://evil.test/')), { maxLength: 4 });
  const list = fc.oneof(
    names.map((ns) => `<html><body>${ns.map((n) => `<a href="/simple/${n}/">${n}</a>`).join('')}</body></html>`),
    names.map((ns) => JSON.stringify({ meta: { 'api-version': '1.0' }, projects: ns.map((name) => ({ name })) })),
    hostileJsonValue(2).map((v) => JSON.stringify(v)),
    fc.constantFrom('{}', '{"projects": 1}', '{"projects": [null, 1, {"name": 2}]}'),
  );
  await checkAsyncProperty(
    fc.asyncProperty(list, fc.constantFrom('html', 'v1-html', 'json'), async (input, variant) => {
      const result = await onlyThrows([SyntaxError], () => runRewriter(plugin, 'projects', input, { publicBase: PUBLIC_BASE, upstreamBase: INDEX, path: 'simple/', variant }));
      if (!result || variant === 'json') return;
      for (const url of linksOf(new TextDecoder().decode(result.body), false)) {
        if (!url.startsWith(`${PUBLIC_BASE}/simple/`) || !staysUnder(url, `${PUBLIC_BASE}/simple`)) throw new Error(`${url} leaves ${PUBLIC_BASE}/simple/`);
      }
    }),
    250,
  );
  t.pass();
});

test('legacy JSON rewriter: a SyntaxError, or file URLs below the public base or not the proxy\'s to serve', async (t) => {
  const file = fc.record({ url: loose(link), filename: loose(filename), upload_time: loose(timestamp().map((s) => s.replace(/Z$/, ''))), upload_time_iso_8601: loose(timestamp()) }, { requiredKeys: [] });
  const doc = fc
    .record({ info: loose(fc.record({ name: fc.constant('foo') })), urls: loose(fc.array(loose(file), { maxLength: 3 })), releases: loose(fc.dictionary(fc.oneof(fc.constantFrom('1.0', '__proto__'), hostileKey()), loose(fc.array(loose(file), { maxLength: 3 })), { maxKeys: 3, noNullPrototype: true })) }, { requiredKeys: [] })
    .map((d) => JSON.stringify(d));
  await checkAsyncProperty(
    fc.asyncProperty(fc.oneof(doc, hostileBytes().map((b) => new TextDecoder().decode(b))), options, quarantineCutoff(), async (input, opts, cutoff) => {
      const ctx = { publicBase: PUBLIC_BASE, upstreamBase: INDEX, path: 'pypi/foo/json', options: opts, ...(cutoff !== undefined ? { quarantineCutoff: cutoff } : {}) };
      const result = await onlyThrows([SyntaxError], () => runRewriter(plugin, 'legacy-json', input, ctx));
      if (!result) return;
      const out = JSON.parse(new TextDecoder().decode(result.body)) as { urls?: unknown; releases?: unknown };
      assertPlainData(out);
      const files = [...(Array.isArray(out.urls) ? out.urls : []), ...Object.values(typeof out.releases === 'object' && out.releases !== null ? out.releases : {}).flatMap((v) => (Array.isArray(v) ? v : []))];
      const urls = files.flatMap((f) => (typeof f === 'object' && f !== null && typeof (f as { url?: unknown }).url === 'string' ? [(f as { url: string }).url] : []));
      checkLinks(JSON.stringify({ files: urls.map((url) => ({ url })) }), true, opts);
    }),
    250,
  );
  t.pass();
});

test('simple inspector: a SyntaxError, or plain facts keyed by packages/ and integrity/ paths', async (t) => {
  await checkAsyncProperty(
    fc.asyncProperty(page, options, async (input, opts) => {
      const facts = await onlyThrows([SyntaxError], () => runInspector(plugin, 'simple', encoder.encode(input), { upstreamBase: INDEX, path: 'simple/foo/', options: opts }));
      if (!facts) return;
      assertPlainData(facts);
      for (const key of Object.keys(facts)) {
        if (!/^(packages|integrity)\//.test(key) || !staysUnder(`${PUBLIC_BASE}/${key}`, `${PUBLIC_BASE}/${key.split('/')[0]}`)) throw new Error(`fact key ${key} is not a file path`);
      }
    }),
    250,
  );
  t.pass();
});

test('regression: a JSON project list without a projects array is an unreadable document (SyntaxError, a 502), not a plugin failure', async (t) => {
  await t.throwsAsync(runRewriter(plugin, 'projects', '{}', { publicBase: PUBLIC_BASE, upstreamBase: INDEX, path: 'simple/', variant: 'html' }), { instanceOf: SyntaxError, message: /no projects array/ });
});
