import test from 'ava';
import { API_VERSION, API_VERSION_HEADER, basicChallenge, bearerChallenge, contentHeaders, parseChallenges } from '../src/index.js';

test('the challenges the proxy sends read back as sent, quotes escaped', (t) => {
  const bearer = bearerChallenge('http://127.0.0.1:8000/v2/token', 'artifactapi', 'repository:local/app:push,pull');
  t.is(bearer, 'Bearer realm="http://127.0.0.1:8000/v2/token",service="artifactapi",scope="repository:local/app:push,pull"');
  t.deepEqual(parseChallenges(bearer)[0]?.params, { realm: 'http://127.0.0.1:8000/v2/token', service: 'artifactapi', scope: 'repository:local/app:push,pull' });
  t.deepEqual(parseChallenges(basicChallenge('a "quoted" realm'))[0], { scheme: 'basic', params: { realm: 'a "quoted" realm' } });
});

test('content headers carry the digest for HEAD as for GET', (t) => {
  const digest = `sha256:${'f'.repeat(64)}`;
  t.deepEqual(contentHeaders(digest, 'application/vnd.oci.image.index.v1+json', 527), {
    'docker-content-digest': digest,
    'content-type': 'application/vnd.oci.image.index.v1+json',
    'content-length': '527',
    etag: `"${digest}"`,
  });
  t.is(`${API_VERSION_HEADER}: ${API_VERSION}`, 'docker-distribution-api-version: registry/2.0');
});
