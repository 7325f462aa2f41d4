import test, { type ExecutionContext } from 'ava';
import { createHash } from 'node:crypto';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { blobFiles, eventually, tmpFilesWithBytes } from './helpers/data-dir.js';
import { fetchSummary } from './helpers/fetch-summary.js';
import { genericRemote, startProxy } from './helpers/proxy.js';

// Uploads to a local (hosted) repository: admin token required, optional sha256 check, and a
// refused upload leaves nothing behind.

const TOKEN = 'test-token';
const LOCAL = `
auth: { admin_token: ${TOKEN} }
remotes:
  files: { type: local, package: generic }
`;

async function localProxy(t: ExecutionContext) {
  const proxy = await startProxy(t, LOCAL);
  const url = (path: string) => `${proxy.url}/api/v1/remote/files/${path}`;
  return { proxy, url };
}

function put(url: string, body: string | Buffer, headers: Record<string, string> = {}) {
  return fetchSummary(url, { method: 'PUT', body, headers: { 'content-type': 'application/octet-stream', ...headers } });
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

test('PUT with the admin token → 201 {digest, size}; GET and HEAD then serve the bytes', async (t) => {
  const { url } = await localProxy(t);
  const created = await put(url('tools/app-1.0.tar.gz'), 'uploaded bytes', { authorization: `Bearer ${TOKEN}` });
  t.is(created.status, 201);
  t.deepEqual(JSON.parse(created.body), { digest: `sha256:${sha256('uploaded bytes')}`, size: 14 });

  const got = await fetchSummary(url('tools/app-1.0.tar.gz'));
  t.like(got, { status: 200, body: 'uploaded bytes', source: 'cache' });
  t.is(got.headers.get('content-length'), '14');
  t.is(got.headers.get('content-disposition'), 'attachment; filename="app-1.0.tar.gz"');

  const head = await fetchSummary(url('tools/app-1.0.tar.gz'), { method: 'HEAD' });
  t.like(head, { status: 200, body: '' });
  t.is(head.headers.get('content-length'), '14');
});

test('Basic credentials with the token as password are accepted too', async (t) => {
  const { url } = await localProxy(t);
  const basic = Buffer.from(`anyone:${TOKEN}`).toString('base64');
  t.like(await put(url('b.txt'), 'b', { authorization: `Basic ${basic}` }), { status: 201 });
  t.like(await fetchSummary(url('b.txt')), { status: 200, body: 'b' });
});

test('PUT without credentials → 401, with a wrong token → 403, and nothing is stored', async (t) => {
  const { proxy, url } = await localProxy(t);
  const anonymous = await put(url('x.bin'), 'sneaky');
  t.like(anonymous, { status: 401, code: 'AAPI_ERR_AUTH_REQUIRED' });
  t.regex(anonymous.headers.get('www-authenticate') ?? '', /^Bearer /);
  t.like(await put(url('x.bin'), 'sneaky', { authorization: 'Bearer wrong-token' }), { status: 403, code: 'AAPI_ERR_AUTH_FORBIDDEN' });
  t.like(await put(url('x.bin'), 'sneaky', { authorization: `Bearer ${TOKEN}x` }), { status: 403 });
  t.like(await fetchSummary(url('x.bin')), { status: 404, code: 'AAPI_ERR_NOT_FOUND' });
  t.deepEqual(await blobFiles(proxy.dataDir), []);
});

test('X-Checksum-Sha256: a matching digest → 201, a wrong one → 400 AAPI_ERR_CHECKSUM_MISMATCH and nothing stored', async (t) => {
  const { proxy, url } = await localProxy(t);
  const auth = { authorization: `Bearer ${TOKEN}` };
  t.like(await put(url('good.bin'), 'checked', { ...auth, 'x-checksum-sha256': sha256('checked').toUpperCase() }), { status: 201 });
  t.like(await fetchSummary(url('good.bin')), { status: 200, body: 'checked' });

  const bad = await put(url('bad.bin'), 'tampered', { ...auth, 'x-checksum-sha256': sha256('original') });
  t.like(bad, { status: 400, code: 'AAPI_ERR_CHECKSUM_MISMATCH' });
  t.like(await fetchSummary(url('bad.bin')), { status: 404 });
  t.deepEqual((await blobFiles(proxy.dataDir)).map((b) => b.name), [sha256('checked')]);
  t.true(await eventually(async () => (await tmpFilesWithBytes(proxy.dataDir)).length === 0), 'the rejected upload left no temp file');

  t.like(await put(url('odd.bin'), 'x', { ...auth, 'x-checksum-sha256': 'not-hex' }), { status: 400, code: 'AAPI_ERR_REQUEST_INVALID' });
});

test('a second PUT to the same path replaces the content', async (t) => {
  const { url } = await localProxy(t);
  const auth = { authorization: `Bearer ${TOKEN}` };
  t.like(await put(url('cfg.json'), '{"v":1}', auth), { status: 201 });
  t.like(await fetchSummary(url('cfg.json')), { body: '{"v":1}' });
  t.like(await put(url('cfg.json'), '{"v":2}', auth), { status: 201 });
  t.like(await fetchSummary(url('cfg.json')), { body: '{"v":2}' });
});

test('PUT on a remote repository → 405 and nothing reaches the upstream', async (t) => {
  const upstream = await startUpstream({ files: { '/x.bin': 'upstream' } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  const res = await put(`${proxy.url}/api/v1/remote/up/x.bin`, 'mine', { authorization: `Bearer ${TOKEN}` });
  t.like(res, { status: 405, code: 'AAPI_ERR_METHOD_NOT_ALLOWED' });
  t.deepEqual(upstream.requests, []);
  t.like(await fetchSummary(`${proxy.url}/api/v1/remote/up/x.bin`), { status: 200, body: 'upstream' });
});

test('with no admin token configured, PUT and DELETE say uploads are disabled until auth.admin_token is set', async (t) => {
  const proxy = await startProxy(t, 'remotes:\n  files: { type: local, package: generic }\n');
  const url = `${proxy.url}/api/v1/remote/files/x.bin`;
  for (const headers of [{}, { authorization: 'Bearer guess' }] as Record<string, string>[]) {
    const refused = await put(url, 'sneaky', headers);
    t.like(refused, { status: 403, code: 'AAPI_ERR_UPLOADS_DISABLED' });
    t.regex(refused.body, /auth\.admin_token/);
    // no challenge: there is no token a client could send
    t.is(refused.headers.get('www-authenticate'), null);
    t.like(await fetchSummary(url, { method: 'DELETE', headers }), { status: 403, code: 'AAPI_ERR_UPLOADS_DISABLED' });
  }
  t.like(await fetchSummary(url), { status: 404 });
});
