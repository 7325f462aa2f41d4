import test from 'ava';
import { runRewriter } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';
import { loadRewriteCase } from './rewrite-case.js';

const parse = (body: Uint8Array) => JSON.parse(new TextDecoder().decode(body)) as unknown;

test('a young latest is removed and latest falls back to the newest old-enough release, not a newer prerelease', async (t) => {
  const { input, ctx, expected } = await loadRewriteCase('quarantine-latest');
  t.deepEqual(parse((await runRewriter(plugin, 'packument', input, ctx)).body), expected);
});

test('tags naming removed versions are deleted (abbreviated document)', async (t) => {
  const { input, ctx, expected } = await loadRewriteCase('quarantine-tags');
  t.deepEqual(parse((await runRewriter(plugin, 'packument', input, ctx)).body), expected);
});

test('versions without a publish time stay; a query string on the upstream tarball URL is dropped', async (t) => {
  const { input, ctx, expected } = await loadRewriteCase('quarantine-no-time');
  t.deepEqual(parse((await runRewriter(plugin, 'packument', input, ctx)).body), expected);
});

test('without a cutoff nothing is removed', async (t) => {
  const { input, ctx } = await loadRewriteCase('quarantine-latest');
  const { quarantineCutoff: _ignored, ...open } = ctx;
  const doc = parse((await runRewriter(plugin, 'packument', input, open)).body) as { versions: object; 'dist-tags': object };
  t.deepEqual(Object.keys(doc.versions), ['1.0.0', '1.1.0', '2.0.0-beta.1', '2.0.0']);
  t.deepEqual(doc['dist-tags'], { latest: '2.0.0', next: '2.0.0-beta.1', legacy: '1.0.0' });
});
