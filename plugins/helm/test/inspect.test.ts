import test from 'ava';
import { runInspector } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';
import { UPSTREAM, fixture } from './fixtures.js';

test('facts are keyed by the repository paths the rewritten index points at', async (t) => {
  const facts = await runInspector(plugin, 'helm-index', await fixture('rewrite-absolute/input.yaml'), { upstreamBase: UPSTREAM, path: 'index.yaml' });
  t.deepEqual(Object.keys(facts).sort(), [
    '-/origin/releases/download/redis-17.0/redis-17.0.tgz',
    '-/origin/releases/download/redis-17.0/redis-17.0.tgz.prov',
    'nginx-1.2.0.tgz',
    'nginx-1.2.0.tgz.prov',
  ]);
  t.deepEqual(facts['nginx-1.2.0.tgz'], {
    version: 'nginx@1.2.0',
    publishedAt: '2024-01-10T12:00:00.123Z',
    digests: [{ algorithm: 'sha256', hex: '5c6d1a0b8e0f4b1f6c1b1d7b6f0e3c1a2b3c4d5e6f708192a3b4c5d6e7f80912' }],
  });
  t.deepEqual(facts['nginx-1.2.0.tgz.prov'], { version: 'nginx@1.2.0', publishedAt: '2024-01-10T12:00:00.123Z' }, 'provenance: dated, not hashed');
  t.is(facts['-/origin/releases/download/redis-17.0/redis-17.0.tgz']!.version, 'redis@17.0');
});

test('relative URLs, files_url charts, sha256: prefixes and upper-case digests', async (t) => {
  const index = `
entries:
  a:
  - name: a
    version: 1.0.0
    digest: sha256:${'AB'.repeat(32)}
    urls: [charts/a-1.0.0.tgz, https://github.com/org/repo/releases/download/a-1.0.0/a-1.0.0.tgz]
  b:
  - name: b
    version: 2.0.0
    digest: not-a-digest
    urls: [b-2.0.0.tgz]
`;
  const facts = await runInspector(plugin, 'helm-index', index, { upstreamBase: UPSTREAM, options: { files_url: 'https://github.com' } });
  const digests = [{ algorithm: 'sha256', hex: 'ab'.repeat(32) }];
  t.deepEqual(facts['charts/a-1.0.0.tgz'], { version: 'a@1.0.0', digests });
  t.deepEqual(facts['-/files/org/repo/releases/download/a-1.0.0/a-1.0.0.tgz'], { version: 'a@1.0.0', digests });
  t.deepEqual(facts['b-2.0.0.tgz'], { version: 'b@2.0.0' }, 'no digest to verify against, and no date');
});
