import test from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { genericRemote, startProxy } from './helpers/proxy.js';
import { rawGet } from './helpers/raw-get.js';

// Paths that could escape the repository or the upstream host are refused before anything is
// asked upstream. Sent with node:http because fetch() normalises `..` away before sending.

const INVALID: [string, string][] = [
  ['dot-dot', 'a/../../etc/passwd'],
  ['lower-case encoded dot-dot', 'a/%2e%2e/%2e%2e/etc/passwd'],
  ['upper-case encoded dot-dot with slash', '%2E%2E/etc/passwd'],
  ['mixed encoded dot-dot', '.%2E/secret'],
  ['single dot', 'a/./b'],
  ['leading empty segment (//host)', '/evil.example/x'],
  ['empty segment in the middle', 'a//b'],
  ['@host switch', '@evil.example/x'],
  ['NUL', 'a%00.txt'],
  ['encoded backslash', 'a%5c..%5cb'],
  ['encoded backslash alone', 'dir%5Cfile'],
  ['encoded slash traversal', 'a%2f..%2fb'],
  ['malformed percent-encoding', 'a%zz'],
];

for (const [label, path] of INVALID) {
  test(`${label}: 400 AAPI_ERR_PATH_INVALID and no upstream request`, async (t) => {
    const upstream = await startUpstream({ files: { '/etc/passwd': 'root', '/x': 'x', '/b': 'b' } });
    t.teardown(() => upstream.close());
    const proxy = await startProxy(t, genericRemote(upstream.url));
    t.deepEqual(await rawGet(proxy.url, `/api/v1/remote/up/${path}`), { status: 400, code: 'AAPI_ERR_PATH_INVALID' });
    t.deepEqual(upstream.requests, []);
  });
}

test('a valid path with encoded characters reaches the upstream in its canonical encoding (escapes upper-cased)', async (t) => {
  const upstream = await startUpstream({ files: { '/dir/a%20b.txt': 'spaced', '/@scope%2Fname': 'scoped' } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  t.deepEqual(await rawGet(proxy.url, '/api/v1/remote/up/dir/a%20b.txt'), { status: 200, code: undefined });
  t.deepEqual(await rawGet(proxy.url, '/api/v1/remote/up/@scope%2fname'), { status: 200, code: undefined });
  t.deepEqual(upstream.requests.map((r) => r.path), ['/dir/a%20b.txt', '/@scope%2Fname']);
});

test('an unknown repository is 404 AAPI_ERR_REPO_NOT_FOUND', async (t) => {
  const upstream = await startUpstream({ files: { '/x': 'x' } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  t.deepEqual(await rawGet(proxy.url, '/api/v1/remote/nope/x'), { status: 404, code: 'AAPI_ERR_REPO_NOT_FOUND' });
  t.deepEqual(await rawGet(proxy.url, '/api/v1/virtual/nope/x'), { status: 404, code: 'AAPI_ERR_REPO_NOT_FOUND' });
  t.deepEqual(upstream.requests, []);
});

test('a repository URL without a file path is 400 AAPI_ERR_PATH_INVALID', async (t) => {
  const upstream = await startUpstream();
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  t.deepEqual(await rawGet(proxy.url, '/api/v1/remote/up/'), { status: 400, code: 'AAPI_ERR_PATH_INVALID' });
  t.deepEqual(upstream.requests, []);
});
