import test from 'ava';
import { runRewriter } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';
import { PUBLIC_BASE, UPSTREAM, fixture } from './fixtures.js';

test('an index with only relative chart URLs is served byte for byte (Helm resolves them against the proxy)', async (t) => {
  const input = await fixture('rewrite-relative/input.yaml');
  const out = await runRewriter(plugin, 'helm-index', input, { publicBase: PUBLIC_BASE, upstreamBase: UPSTREAM });
  t.true(Buffer.from(out.body).equals(input));
  t.is(out.contentType, 'application/x-yaml');
});

test('a relative URL that leaves the repository folder gets an absolute proxy URL', async (t) => {
  const input = 'entries:\n  x:\n  - name: x\n    version: 1.0.0\n    urls:\n    - ../releases/x-1.0.0.tgz\n';
  const out = await runRewriter(plugin, 'helm-index', input, { publicBase: PUBLIC_BASE, upstreamBase: UPSTREAM });
  t.regex(Buffer.from(out.body).toString(), /- http:\/\/proxy\.test\/api\/v1\/remote\/charts\/-\/origin\/releases\/x-1\.0\.0\.tgz\n/);
});
