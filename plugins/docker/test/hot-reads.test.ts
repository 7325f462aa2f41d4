import test from 'ava';
import type { RepositoryRef } from '@artifactapi/plugin-sdk';
import { hotReads } from '../src/hot-reads.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

function repositories(refs: Partial<RepositoryRef>[]) {
  const byName = new Map(refs.map((r) => [r.name!, { kind: 'remote', package: 'docker', baseUrl: '', options: {}, quarantineDays: 0, ...r } as RepositoryRef]));
  return { resolve: (name: string) => byName.get(name) };
}

const repos = repositories([
  { name: 'hub', baseUrl: 'https://registry-1.docker.io' },
  { name: 'ghcr', baseUrl: 'https://ghcr.io' },
  { name: 'mine', kind: 'local' },
  { name: 'all', kind: 'virtual', members: ['hub'] },
  { name: 'npmjs', package: 'npm' },
]);

test('a blob pull names the repository path the route reads, with the route’s own headers', (t) => {
  const headers = { 'docker-distribution-api-version': 'registry/2.0', 'docker-content-digest': DIGEST };
  t.deepEqual(hotReads.resolve(`/v2/hub/nginx/blobs/${DIGEST}`, repos), { repository: 'hub', path: `library/nginx/blobs/${DIGEST}`, headers, redirect: true });
  t.deepEqual(hotReads.resolve(`/v2/ghcr/org/tool/blobs/${DIGEST}`, repos), { repository: 'ghcr', path: `org/tool/blobs/${DIGEST}`, headers, redirect: true });
  t.is(hotReads.resolve(`/v2/mine/app/blobs/${DIGEST}`, repos)?.path, `app/blobs/${DIGEST}`);
});

test('everything but a blob of a remote or local docker repository is left to the routes', (t) => {
  for (const path of [
    '/v2/',
    `/v2/hub/nginx/manifests/${DIGEST}`,
    '/v2/hub/nginx/manifests/latest',
    '/v2/hub/nginx/tags/list',
    `/v2/hub/nginx/referrers/${DIGEST}`,
    '/v2/hub/nginx/blobs/uploads/',
    `/v2/all/nginx/blobs/${DIGEST}`,
    `/v2/npmjs/nginx/blobs/${DIGEST}`,
    `/v2/unknown/nginx/blobs/${DIGEST}`,
  ]) {
    t.is(hotReads.resolve(path, repos), undefined, path);
  }
  // A malformed digest is the route's registry error to give; the core sends any throw there.
  t.throws(() => hotReads.resolve('/v2/hub/nginx/blobs/sha256:zz', repos));
});
