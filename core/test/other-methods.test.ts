import test from 'ava';
import { fetchSummary } from './helpers/fetch-summary.js';
import { startProxy } from './helpers/proxy.js';

// A POST is answered 405 with the methods that work, whatever its body (npm audit sends gzipped
// JSON that no parser must choke on first), on remotes, local repositories and virtuals alike.

const CONFIG = `
remotes:
  up: { type: remote, package: generic, base_url: 'http://127.0.0.1:9' }
  files: { type: local, package: generic }
virtuals:
  all: { package: generic, members: [files, up] }
`;

const gzippedJson = { method: 'POST', body: Buffer.from([0x1f, 0x8b, 0x08, 0x00]), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } };

test('POST on a remote, a local repository or a virtual is a 405 naming the methods that work', async (t) => {
  const proxy = await startProxy(t, CONFIG);
  const cases: [url: string, allow: string][] = [
    ['/api/v1/remote/up/-/npm/v1/security/advisories/bulk', 'GET, HEAD'],
    ['/api/v1/remote/files/x.bin', 'GET, HEAD, PUT, DELETE'],
    ['/api/v1/virtual/all/x.bin', 'GET, HEAD'],
  ];
  for (const [url, allow] of cases) {
    const res = await fetchSummary(`${proxy.url}${url}`, gzippedJson);
    t.like(res, { status: 405, code: 'AAPI_ERR_METHOD_NOT_ALLOWED' }, url);
    t.is(res.headers.get('allow'), allow, url);
  }
  t.regex((await fetchSummary(`${proxy.url}/api/v1/remote/up/x`, gzippedJson)).body, /upstream registry \(http:\/\/127\.0\.0\.1:9\)/);
  t.like(await fetchSummary(`${proxy.url}/api/v1/remote/nope/x`, gzippedJson), { status: 404, code: 'AAPI_ERR_REPO_NOT_FOUND' });
});
