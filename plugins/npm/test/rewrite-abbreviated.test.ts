import test from 'ava';
import { runRewriter } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';
import { loadRewriteCase } from './rewrite-case.js';

test('the abbreviated variant is the corgi document: install fields only, no time, hasInstallScript derived', async (t) => {
  const { input, ctx, expected } = await loadRewriteCase('abbreviated');
  const result = await runRewriter(plugin, 'packument', input, ctx);
  t.is(result.contentType, 'application/vnd.npm.install-v1+json');
  t.deepEqual(JSON.parse(new TextDecoder().decode(result.body)), expected);
});

test('a version named __proto__ stays a version in the abbreviated document', async (t) => {
  const doc = `{"name":"odd","dist-tags":{"latest":"1.0.0"},"versions":{"1.0.0":{"name":"odd","version":"1.0.0","dist":{"tarball":"http://up/odd/-/odd-1.0.0.tgz"}},"__proto__":{"name":"odd","version":"__proto__","dist":{"tarball":"http://up/odd/-/odd-__proto__.tgz"}}}}`;
  const ctx = { publicBase: 'http://proxy/r', repo: 'r', upstreamBase: 'http://up', options: {}, path: 'odd', variant: 'abbreviated' };
  const result = await runRewriter(plugin, 'packument', new TextEncoder().encode(doc), ctx);
  const versions = (JSON.parse(new TextDecoder().decode(result.body)) as { versions: Record<string, { version: string }> }).versions;
  t.deepEqual(Object.keys(versions), ['1.0.0', '__proto__']);
  t.is(Object.getOwnPropertyDescriptor(versions, '__proto__')?.value?.version, '__proto__');
});

test('a packument nested 100,000 deep is refused as an unreadable document (SyntaxError), not a stack overflow', async (t) => {
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  const doc = `{"name":"deep","versions":{"1.0.0":{"name":"deep","version":"1.0.0","x":${deep}}}}`;
  const ctx = { publicBase: 'http://proxy/r', repo: 'r', upstreamBase: 'http://up', options: {}, path: 'deep', variant: 'abbreviated' };
  const err = await t.throwsAsync(runRewriter(plugin, 'packument', new TextEncoder().encode(doc), ctx));
  t.true(err instanceof SyntaxError, `got ${String(err)}`);
  t.regex(err?.message ?? '', /deeper than 256 levels/);
});
