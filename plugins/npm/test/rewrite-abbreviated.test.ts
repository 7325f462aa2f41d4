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
