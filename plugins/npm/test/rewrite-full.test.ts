import test from 'ava';
import { runRewriter } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';
import { loadRewriteCase } from './rewrite-case.js';

test('the full packument keeps every field and points each dist.tarball at the proxy', async (t) => {
  const { input, ctx, expected } = await loadRewriteCase('full');
  const result = await runRewriter(plugin, 'packument', input, ctx);
  t.is(result.contentType, 'application/json');
  t.deepEqual(JSON.parse(new TextDecoder().decode(result.body)), expected);
});
