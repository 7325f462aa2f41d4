import test from 'ava';
import { runRewriter } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';
import { PUBLIC_BASE, UPSTREAM, fixture } from './fixtures.js';

const CUTOFF = Date.parse('2024-03-01T00:00:00Z');

test('quarantine leaves out versions created after the cutoff, and charts left with none', async (t) => {
  const out = await runRewriter(plugin, 'helm-index', await fixture('rewrite-quarantine/input.yaml'), {
    publicBase: PUBLIC_BASE,
    upstreamBase: UPSTREAM,
    quarantineCutoff: CUTOFF,
  });
  t.is(Buffer.from(out.body).toString(), (await fixture('rewrite-quarantine/expected.yaml')).toString());
});

test('without a cutoff every version stays', async (t) => {
  const input = await fixture('rewrite-quarantine/input.yaml');
  const out = await runRewriter(plugin, 'helm-index', input, { publicBase: PUBLIC_BASE, upstreamBase: UPSTREAM });
  t.true(Buffer.from(out.body).equals(input));
});
