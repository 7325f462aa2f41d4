import test from 'ava';
import { fetchSummary } from './helpers/fetch-summary.js';
import { startProxy } from './helpers/proxy.js';

// DELETE on a local repository: admin token required; afterwards the path is gone.

const TOKEN = 'test-token';
const LOCAL = `
auth: { admin_token: ${TOKEN} }
remotes:
  files: { type: local, package: generic }
`;

test('DELETE → 204, then GET 404; DELETE without or with a wrong token → 401/403 and the file stays', async (t) => {
  const proxy = await startProxy(t, LOCAL);
  const url = `${proxy.url}/api/v1/remote/files/dist/a.tgz`;
  const auth = { authorization: `Bearer ${TOKEN}` };
  t.like(await fetchSummary(url, { method: 'PUT', body: 'payload', headers: auth }), { status: 201 });

  t.like(await fetchSummary(url, { method: 'DELETE' }), { status: 401, code: 'AAPI_ERR_AUTH_REQUIRED' });
  t.like(await fetchSummary(url, { method: 'DELETE', headers: { authorization: 'Bearer nope' } }), { status: 403, code: 'AAPI_ERR_AUTH_FORBIDDEN' });
  t.like(await fetchSummary(url), { status: 200, body: 'payload' });

  const deleted = await fetchSummary(url, { method: 'DELETE', headers: auth });
  t.like(deleted, { status: 204, body: '' });
  t.like(await fetchSummary(url), { status: 404, code: 'AAPI_ERR_NOT_FOUND' });
  t.like(await fetchSummary(url, { method: 'HEAD' }), { status: 404 });
  t.like(await fetchSummary(url, { method: 'DELETE', headers: auth }), { status: 404, code: 'AAPI_ERR_NOT_FOUND' });
});
