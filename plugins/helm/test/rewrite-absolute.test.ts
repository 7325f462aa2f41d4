import test from 'ava';
import { runRewriter } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';
import { PUBLIC_BASE, UPSTREAM, fixture } from './fixtures.js';

test('absolute chart URLs on the repository host point at the proxy; other hosts are left alone', async (t) => {
  const out = await runRewriter(plugin, 'helm-index', await fixture('rewrite-absolute/input.yaml'), {
    publicBase: PUBLIC_BASE,
    upstreamBase: UPSTREAM,
    path: 'index.yaml',
  });
  t.is(out.contentType, 'application/x-yaml');
  t.is(Buffer.from(out.body).toString(), (await fixture('rewrite-absolute/expected.yaml')).toString());
});

test('a JSON index (helm repo index --json) is rewritten and stays JSON', async (t) => {
  const index = {
    apiVersion: 'v1',
    entries: { x: [{ name: 'x', version: '1.10', created: '2024-01-01T00:00:00Z', urls: [`${UPSTREAM}/x-1.10.tgz`] }] },
  };
  const out = await runRewriter(plugin, 'helm-index', JSON.stringify(index, null, 2), { publicBase: PUBLIC_BASE, upstreamBase: UPSTREAM });
  t.is(out.contentType, 'application/json');
  const parsed = JSON.parse(Buffer.from(out.body).toString()) as typeof index;
  t.deepEqual(parsed.entries.x[0]!.urls, [`${PUBLIC_BASE}/x-1.10.tgz`]);
  t.is(parsed.entries.x[0]!.version, '1.10');
});

test('an upstream answer that is not an index fails with a reason', async (t) => {
  await t.throwsAsync(runRewriter(plugin, 'helm-index', '<html>maintenance</html>', { upstreamBase: UPSTREAM }), { message: /not a mapping/ });
  await t.throwsAsync(runRewriter(plugin, 'helm-index', 'entries: [unclosed', { upstreamBase: UPSTREAM }), { message: /does not parse/ });
});
