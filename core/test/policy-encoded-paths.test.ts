import test, { type ExecutionContext } from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { fetchSummary as get } from './helpers/fetch-summary.js';
import { startProxy } from './helpers/proxy.js';
import { rawGet } from './helpers/raw-get.js';

// Issue 8, item 3: the operator's patterns see the path the upstream will be asked for, however
// the client spelled it. Escapes of unreserved characters are the characters themselves and an
// encoded slash is matched as a slash, so no spelling fetches what the blocklist denies.

const FILES = { '/public/a.exe': 'exe', '/public/secret/x': 'secret', '/public/ok.txt': 'ok' };

async function setup(t: ExecutionContext, rules: string) {
  const upstream = await startUpstream({ files: FILES });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(
    t,
    `
remotes:
  up: { type: remote, package: generic, base_url: ${upstream.url}, ${rules} }
virtuals:
  all: { package: generic, members: [up] }
`,
  );
  return { upstream, proxy };
}

const BLOCKLIST = String.raw`blocklist: ['\.exe$', '^public/secret/']`;
const BYPASSES = ['public/a.%65xe', 'public/%73ecret/x', 'public%2Fsecret/x', 'public/secret%2Fx'];

for (const path of BYPASSES) {
  test(`blocklisted ${path}: 403 AAPI_ERR_PATH_DENIED, directly and through a virtual, and never requested upstream`, async (t) => {
    const { upstream, proxy } = await setup(t, BLOCKLIST);
    t.like(await get(`${proxy.url}/api/v1/remote/up/${path}`), { status: 403, code: 'AAPI_ERR_PATH_DENIED' });
    t.like(await get(`${proxy.url}/api/v1/remote/up/${path}`, { method: 'HEAD' }), { status: 403 });
    t.like(await get(`${proxy.url}/api/v1/virtual/all/${path}`), { status: 403, code: 'AAPI_ERR_PATH_DENIED' });
    t.deepEqual(upstream.requests, []);
  });
}

test('a literal # is part of the path: the upstream is asked for that file, not for what precedes it', async (t) => {
  const { upstream, proxy } = await setup(t, BLOCKLIST);
  t.like(await rawGet(proxy.url, '/api/v1/remote/up/public/a.exe#x'), { status: 404 });
  t.like(await rawGet(proxy.url, '/api/v1/virtual/all/public/a.exe#x'), { status: 404 });
  t.is(upstream.hits('/public/a.exe'), 0);
  t.deepEqual(upstream.requests.map((r) => r.path), ['/public/a.exe%23x']);
});

test('the allowlist sees the decoded path, and every spelling of a path is one cache entry fetched once', async (t) => {
  const { upstream, proxy } = await setup(t, String.raw`patterns: ['^public/ok\.txt$']`);
  t.like(await get(`${proxy.url}/api/v1/remote/up/public/%6Fk.txt`), { status: 200, body: 'ok', source: 'remote' });
  t.like(await get(`${proxy.url}/api/v1/remote/up/public/ok.txt`), { status: 200, body: 'ok', source: 'cache' });
  t.like(await get(`${proxy.url}/api/v1/virtual/all/public/o%6b.txt`), { status: 200, body: 'ok', source: 'cache' });
  t.like(await get(`${proxy.url}/api/v1/remote/up/public%2Fok.txt`), { status: 404 });
  t.deepEqual(upstream.requests.map((r) => r.path), ['/public/ok.txt', '/public%2Fok.txt']);
});

test('immutable_patterns match the decoded path too', async (t) => {
  const { proxy } = await setup(t, String.raw`immutable_patterns: ['^public/ok\.txt$'], mutable_patterns: ['^public/'], cache: { mutable_ttl: 1 }`);
  t.like(await get(`${proxy.url}/api/v1/remote/up/public/%6F%6B.txt`), { status: 200 });
  t.like(await proxy.server.context.backends.meta.get('up', 'public/ok.txt'), { mutable: false, expiresAt: null });
});
