import test from 'ava';
import { checkClassifications, testContext } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';

const withFiles = testContext(plugin, { baseUrl: 'https://charts.example.com/stable', options: { files_url: 'https://github.com' } });
const plain = testContext(plugin, { baseUrl: 'https://charts.example.com/stable' });

test('index.yaml is the mutable helm-index; charts and provenance are immutable; the rest is mutable', (t) => {
  t.deepEqual(
    checkClassifications(
      plugin,
      [
        { path: 'index.yaml', cache: 'mutable', index: 'helm-index' },
        { path: 'nginx-1.2.0.tgz', cache: 'immutable' },
        { path: 'charts/nginx-1.2.0.tgz', cache: 'immutable' },
        { path: 'charts/nginx-1.2.0.tgz.prov', cache: 'immutable' },
        { path: 'charts/index.yaml', cache: 'mutable' },
        { path: 'artifacthub-repo.yml', cache: 'mutable' },
        { path: 'README.md', cache: 'mutable' },
        { path: '-/origin/releases/download/x-1.0.0/x-1.0.0.tgz', cache: 'immutable' },
        { path: '-/origin/releases/download/x-1.0.0/x-1.0.0.tgz.prov', cache: 'immutable' },
        { path: '-/files/org/repo/releases/download/x-1.0.0/x-1.0.0.tgz', cache: 'immutable' },
        { path: '-/origin/etc/secrets.yaml', cache: 'deny' },
        { path: '-/other/x-1.0.0.tgz', cache: 'deny' },
      ],
      withFiles,
    ),
    [],
  );
});

test('-/files/ paths are refused when the repository has no files_url', (t) => {
  const verdict = plugin.classify('-/files/org/x-1.0.0.tgz', plain);
  t.is(verdict.cache, 'deny');
  t.regex(verdict.reason ?? '', /not a chart location/);
});

test('upstreamUrl maps each kind of repository path back to its host', (t) => {
  t.is(plugin.upstreamUrl('index.yaml', plain), 'https://charts.example.com/stable/index.yaml');
  t.is(plugin.upstreamUrl('charts/x-1.0.0.tgz', plain), 'https://charts.example.com/stable/charts/x-1.0.0.tgz');
  t.is(plugin.upstreamUrl('-/origin/releases/x-1.0.0.tgz', plain), 'https://charts.example.com/releases/x-1.0.0.tgz');
  t.is(plugin.upstreamUrl('-/files/org/repo/x-1.0.0.tgz.prov', withFiles), 'https://github.com/org/repo/x-1.0.0.tgz.prov');
});

test('charts and provenance files are listed in the root index.yaml', (t) => {
  t.deepEqual(plugin.indexOf('charts/x-1.0.0.tgz', plain), { path: 'index.yaml', index: 'helm-index' });
  t.deepEqual(plugin.indexOf('-/origin/r/x-1.0.0.tgz.prov', plain), { path: 'index.yaml', index: 'helm-index' });
  t.is(plugin.indexOf('index.yaml', plain), undefined);
  t.is(plugin.indexOf('README.md', plain), undefined);
});
