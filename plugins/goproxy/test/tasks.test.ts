import test from 'ava';
import { rewriteContext, testContext } from '@artifactapi/plugin-sdk/testkit';
import { inspectInfo } from '../src/inspect-info.js';
import { inspectLookup } from '../src/inspect-lookup.js';
import { mergeVersionLists } from '../src/merge-list.js';
import { rewriteVersionList } from '../src/rewrite-list.js';
import { goCompanions } from '../src/companions.js';
import plugin from '../src/index.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const inspectCtx = (path: string) => ({ repo: 'go', upstreamBase: 'https://proxy.golang.org', options: {}, path });

const LOOKUP = `1234
github.com/Azure/x v1.0.0 h1:zipzipzip=
github.com/Azure/x v1.0.0/go.mod h1:modmodmod=

go.sum database tree
5000
rootroot=

\u2014 sum.golang.org Az3grnmr
`;

test('a lookup answer gives the h1: checks of the version\'s .zip and .mod, keyed by their case-encoded paths', (t) => {
  const facts = inspectLookup({ body: enc(LOOKUP), ctx: inspectCtx('sumdb/sum.golang.org/lookup/github.com/!azure/x@v1.0.0') });
  t.deepEqual(facts, {
    'github.com/!azure/x/@v/v1.0.0.zip': { version: 'github.com/Azure/x@v1.0.0', verify: { verifier: 'go-zip-h1', expected: 'h1:zipzipzip=' } },
    'github.com/!azure/x/@v/v1.0.0.mod': { version: 'github.com/Azure/x@v1.0.0', verify: { verifier: 'go-mod-h1', expected: 'h1:modmodmod=' } },
  });
  t.throws(() => inspectLookup({ body: enc(LOOKUP), ctx: inspectCtx('sumdb/sum.golang.org/lookup/github.com/!azure/x@v2.0.0') }), { instanceOf: SyntaxError });
  t.throws(() => inspectLookup({ body: enc('not found\n'), ctx: inspectCtx('sumdb/sum.golang.org/lookup/a.b/c@v1.0.0') }), { instanceOf: SyntaxError });
});

test('an .info gives the publish time of the version\'s .mod and .zip', (t) => {
  const facts = inspectInfo({ body: enc('{"Version":"v1.0.0","Time":"2024-05-06T07:08:09Z"}'), ctx: inspectCtx('github.com/!azure/x/@v/v1.0.0.info') });
  const expected = { version: 'github.com/Azure/x@v1.0.0', publishedAt: '2024-05-06T07:08:09Z' };
  t.deepEqual(facts, { 'github.com/!azure/x/@v/v1.0.0.mod': expected, 'github.com/!azure/x/@v/v1.0.0.zip': expected });
  t.throws(() => inspectInfo({ body: enc('<html>'), ctx: inspectCtx('a.b/c/@v/v1.0.0.info') }), { instanceOf: SyntaxError });
});

test('@v/list: as stored without a quarantine; with one, versions young or of unknown age are left out', (t) => {
  const list = enc('v1.0.0\nv1.1.0\nv1.2.0\nv1.3.0\n');
  const path = 'example.com/m/@v/list';
  t.is(dec(rewriteVersionList({ body: list, ctx: rewriteContext({ path }) }).body), 'v1.0.0\nv1.1.0\nv1.2.0\nv1.3.0\n');
  const cutoff = Date.parse('2024-01-01T00:00:00Z');
  const info = (v: string, time: string) => enc(JSON.stringify({ Version: v, Time: time }));
  const companions = {
    'example.com/m/@v/v1.0.0.info': info('v1.0.0', '2023-01-01T00:00:00Z'),
    'example.com/m/@v/v1.1.0.info': info('v1.1.0', '2024-02-01T00:00:00Z'),
    'example.com/m/@v/v1.2.0.info': null,
    'example.com/m/@v/v1.3.0.info': info('v1.3.0', '2023-12-31T23:59:59Z'),
  };
  const out = rewriteVersionList({ body: list, ctx: rewriteContext({ path, quarantineCutoff: cutoff, companions }) });
  t.is(dec(out.body), 'v1.0.0\nv1.3.0\n');
  t.deepEqual(goCompanions(path, list, testContext(plugin), { quarantineCutoff: cutoff }), Object.keys(companions));
  t.deepEqual(goCompanions(path, list, testContext(plugin), {}), [], 'no quarantine, no companions');
  t.deepEqual(goCompanions('example.com/m/@latest', list, testContext(plugin), { quarantineCutoff: cutoff }), []);
});

test('a virtual\'s @v/list is every member\'s versions once, in semver order', (t) => {
  const doc = (repo: string, body: string) => ({ repo, kind: 'remote' as const, body: enc(body), contentType: 'text/plain' });
  const out = mergeVersionLists({
    documents: [doc('a', 'v1.10.0\nv1.2.0\nv1.0.0\n'), doc('b', 'v1.2.0\nv1.2.0-rc.1\nv1.2.0-beta.2\nv1.2.0-beta.10\nv0.9.0\n\n')],
    ctx: { repo: 'all', path: 'x.y/z/@v/list', variant: 'default', publicBase: '' },
  });
  t.is(dec(out.body), 'v0.9.0\nv1.0.0\nv1.2.0-beta.2\nv1.2.0-beta.10\nv1.2.0-rc.1\nv1.2.0\nv1.10.0\n');
});
