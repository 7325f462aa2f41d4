import test from 'ava';
import { checkClassifications, testContext } from '@artifactapi/plugin-sdk/testkit';
import plugin, { authScopeOf, splitRepositoryPath } from '../src/index.js';

const digest = `sha256:${'a'.repeat(64)}`;

test('tags are mutable and revalidated by HEAD, digests immutable and checked, blobs keyed by digest alone', (t) => {
  t.deepEqual(
    checkClassifications(plugin, [
      { path: 'library/nginx/manifests/1.27', cache: 'mutable' },
      { path: `library/nginx/manifests/${digest}`, cache: 'immutable' },
      { path: `library/nginx/blobs/${digest}`, cache: 'immutable' },
      { path: 'team/a/manifests/x/tags/list', cache: 'mutable' },
      { path: 'nothing-here', cache: 'deny' },
    ]),
    [],
  );
  const ctx = testContext(plugin);
  t.deepEqual(plugin.classify('library/nginx/manifests/1.27', ctx).revalidate, { method: 'HEAD', digestHeader: 'docker-content-digest' });
  const a = plugin.classify(`team/a/blobs/${digest}`, ctx);
  const b = plugin.classify(`team/b/blobs/${digest}`, ctx);
  t.is(a.cacheKey, b.cacheKey, 'two images sharing a layer share its entry');
  t.deepEqual(a.expectedDigest, { algorithm: 'sha256', hex: 'a'.repeat(64) });
  t.is(plugin.classify(`team/a/manifests/${digest}`, ctx).cacheKey, undefined, 'manifests stay per image');
});

test('ban_tags refuses matching tags, never digests', (t) => {
  const ctx = testContext(plugin, { name: 'hub', kind: 'remote', package: 'docker', baseUrl: 'https://registry-1.docker.io', options: { ban_tags: ['latest', 'nightly-*'] } });
  t.is(plugin.classify('library/nginx/manifests/latest', ctx).cache, 'deny');
  t.is(plugin.classify('library/nginx/manifests/nightly-2026', ctx).cache, 'deny');
  t.is(plugin.classify('library/nginx/manifests/1.27', ctx).cache, 'mutable');
  t.is(plugin.classify(`library/nginx/manifests/${digest}`, ctx).cache, 'immutable');
});

test('upstream URLs, Accept and token scopes come from the image name', (t) => {
  const ctx = testContext(plugin, { name: 'hub', kind: 'remote', package: 'docker', baseUrl: 'https://ghcr.io', options: {} });
  t.is(plugin.upstreamUrl('org/app/manifests/v1', ctx), 'https://ghcr.io/v2/org/app/manifests/v1');
  t.regex(plugin.upstreamHeaders('org/app/manifests/v1', ctx).accept ?? '', /oci\.image\.index/);
  t.deepEqual(plugin.upstreamHeaders(`org/app/blobs/${digest}`, ctx), {});
  t.is(authScopeOf(`org/sub/app/blobs/${digest}`), 'repository:org/sub/app:pull');
  t.deepEqual(splitRepositoryPath('a/manifests/b/manifests/c'), { kind: 'manifest', image: 'a/manifests/b', reference: 'c' });
});
