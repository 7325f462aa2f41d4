import test from 'ava';
import { fetchSummary as get } from './helpers/fetch-summary.js';
import { startProxy } from './helpers/proxy.js';

// Uploads and deletions of a local repository use the same canonical path as GET: a spelling
// with escaped unreserved characters names the same file, and a path GET would deny is refused.

const TOKEN = 'test-token';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const CONFIG = String.raw`
auth: { admin_token: ${TOKEN} }
remotes:
  files: { type: local, package: generic, blocklist: ['\.exe$'] }
`;

test('PUT of a blocklisted path in any spelling: 403 AAPI_ERR_PATH_DENIED and nothing stored', async (t) => {
  const proxy = await startProxy(t, CONFIG);
  const meta = proxy.server.context.backends.meta;
  for (const path of ['tools/a.exe', 'tools/a.%65xe', 'tools%2Fa.exe']) {
    t.like(await get(`${proxy.url}/api/v1/remote/files/${path}`, { method: 'PUT', body: 'x', headers: AUTH }), { status: 403, code: 'AAPI_ERR_PATH_DENIED' }, path);
  }
  t.deepEqual(await meta.list('files', ''), []);
});

test('PUT, GET and DELETE with different spellings of one path act on one file', async (t) => {
  const proxy = await startProxy(t, CONFIG);
  const url = (path: string) => `${proxy.url}/api/v1/remote/files/${path}`;
  t.like(await get(url('dir/%61.txt'), { method: 'PUT', body: 'a', headers: AUTH }), { status: 201 });
  t.like(await get(url('dir/a.txt')), { status: 200, body: 'a' });
  t.like(await get(url('%64ir/a.txt'), { method: 'DELETE', headers: AUTH }), { status: 204 });
  t.like(await get(url('dir/%61.txt')), { status: 404 });
});
