import test from 'ava';
import { parseV2Path } from '../src/index.js';
import type { RegistryError } from '../src/index.js';

const D = `sha256:${'b'.repeat(64)}`;
const failure = (path: string) => {
  try {
    parseV2Path(path);
    return 'ok';
  } catch (err) {
    return (err as RegistryError).code;
  }
};

test('the ping and the catalogs', (t) => {
  t.deepEqual(parseV2Path('/v2/'), { kind: 'ping' });
  t.deepEqual(parseV2Path('/v2'), { kind: 'ping' });
  t.deepEqual(parseV2Path('/v2/_catalog'), { kind: 'catalog' });
  t.deepEqual(parseV2Path('/v2/hub/_catalog'), { kind: 'catalog', repository: 'hub' });
});

test('repository, multi-component image name and endpoint are split apart', (t) => {
  t.deepEqual(parseV2Path('/v2/hub/library/nginx/manifests/1.27'), { kind: 'manifest', repository: 'hub', image: 'library/nginx', reference: { kind: 'tag', tag: '1.27' } });
  t.deepEqual(parseV2Path(`/v2/hub/a/b/c/manifests/${D}`), { kind: 'manifest', repository: 'hub', image: 'a/b/c', reference: { kind: 'digest', digest: D } });
  t.deepEqual(parseV2Path(`/v2/hub/nginx/blobs/${D}`), { kind: 'blob', repository: 'hub', image: 'nginx', digest: D });
  t.deepEqual(parseV2Path('/v2/local/team/app/tags/list'), { kind: 'tags', repository: 'local', image: 'team/app' });
  t.deepEqual(parseV2Path(`/v2/local/app/referrers/${D}`), { kind: 'referrers', repository: 'local', image: 'app', digest: D });
});

test('uploads: the start with or without a slash, then a session', (t) => {
  t.deepEqual(parseV2Path('/v2/local/app/blobs/uploads/'), { kind: 'upload-start', repository: 'local', image: 'app' });
  t.deepEqual(parseV2Path('/v2/local/app/blobs/uploads'), { kind: 'upload-start', repository: 'local', image: 'app' });
  t.deepEqual(parseV2Path('/v2/local/app/blobs/uploads/3f2a-77'), { kind: 'upload', repository: 'local', image: 'app', session: '3f2a-77' });
  t.is(failure('/v2/local/app/blobs/uploads/..%2f'), 'BLOB_UPLOAD_UNKNOWN');
});

test('an image name may contain endpoint words: the endpoint is taken from the end', (t) => {
  t.deepEqual(parseV2Path('/v2/hub/manifests/blobs/manifests/latest'), { kind: 'manifest', repository: 'hub', image: 'manifests/blobs', reference: { kind: 'tag', tag: 'latest' } });
  t.deepEqual(parseV2Path('/v2/hub/tags/list/tags/list'), { kind: 'tags', repository: 'hub', image: 'tags/list' });
});

test('bad parts get the registry code of the part', (t) => {
  t.is(failure('/v2/hub/Nginx/manifests/latest'), 'NAME_INVALID');
  t.is(failure('/v2/hub/a%2fb/manifests/latest'), 'NAME_INVALID');
  t.is(failure('/v2/-hub/nginx/manifests/latest'), 'NAME_INVALID');
  t.is(failure('/v2/hub/nginx/manifests/-bad'), 'TAG_INVALID');
  t.is(failure('/v2/hub/nginx/manifests/sha256:zz'), 'DIGEST_INVALID');
  t.is(failure('/v2/hub/nginx/blobs/latest'), 'DIGEST_INVALID');
  t.is(failure('/v2/hub/nginx/referrers/latest'), 'DIGEST_INVALID');
});

test('paths that name no endpoint are undefined (a plain 404), not an error', (t) => {
  for (const path of ['/v1/hub/nginx/manifests/latest', '/v2/hub', '/v2/hub/', '/v2/hub/nginx', '/v2/hub/nginx/manifests/', '/v2/hub/nginx/tags', '/v2/hub/nginx/blobs/a/b']) {
    t.is(parseV2Path(path), undefined, path);
  }
});
