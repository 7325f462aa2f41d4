import test from 'ava';
import { request } from 'node:http';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { genericRemote, startProxy } from './helpers/proxy.js';

// Paths that could escape the repository or the upstream host are refused before anything is
// asked upstream. Sent with node:http because fetch() normalises `..` away before sending.

/** GET with the request target exactly as given; resolves with status and the error code. */
function rawGet(base: string, path: string): Promise<{ status: number; code?: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'GET', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let code: string | undefined;
        try {
          code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
        } catch {
          code = undefined;
        }
        resolve({ status: res.statusCode ?? 0, code });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

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

test('a valid path with encoded characters reaches the upstream unchanged', async (t) => {
  const upstream = await startUpstream({ files: { '/dir/a%20b.txt': 'spaced', '/@scope%2fname': 'scoped' } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  t.deepEqual(await rawGet(proxy.url, '/api/v1/remote/up/dir/a%20b.txt'), { status: 200, code: undefined });
  t.deepEqual(await rawGet(proxy.url, '/api/v1/remote/up/@scope%2fname'), { status: 200, code: undefined });
  t.deepEqual(upstream.requests.map((r) => r.path), ['/dir/a%20b.txt', '/@scope%2fname']);
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
