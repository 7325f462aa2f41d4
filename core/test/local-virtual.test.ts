import test, { type ExecutionContext } from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { fetchSummary } from './helpers/fetch-summary.js';
import { startProxy } from './helpers/proxy.js';

// A virtual repository over a local and a remote member: members are tried in the order listed,
// the first that has the path answers, and none having it is a 404.

const TOKEN = 'test-token';

async function setup(t: ExecutionContext, members: string) {
  const upstream = await startUpstream({ files: { '/both.txt': 'from upstream', '/remote-only.txt': 'remote only' } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(
    t,
    `
auth: { admin_token: ${TOKEN} }
remotes:
  files: { type: local, package: generic }
  up: { type: remote, package: generic, base_url: ${upstream.url}, cache: { negative_ttl: 0 } }
virtuals:
  all: { package: generic, members: ${members} }
`,
  );
  const auth = { authorization: `Bearer ${TOKEN}` };
  for (const [path, body] of [['both.txt', 'from local'], ['local-only.txt', 'local only']]) {
    const res = await fetchSummary(`${proxy.url}/api/v1/remote/files/${path}`, { method: 'PUT', body, headers: auth });
    if (res.status !== 201) throw new Error(`upload of ${path} failed: ${res.status}`);
  }
  return { upstream, url: (path: string) => `${proxy.url}/api/v1/virtual/all/${path}` };
}

test('members [files, up]: the local member wins where both have the path, and the upstream is not asked', async (t) => {
  const { upstream, url } = await setup(t, '[files, up]');
  const both = await fetchSummary(url('both.txt'));
  t.like(both, { status: 200, body: 'from local' });
  t.is(both.headers.get('x-artifact-member'), 'files');
  t.like(await fetchSummary(url('local-only.txt')), { status: 200, body: 'local only' });
  t.is(upstream.hits('/both.txt'), 0);
  t.is(upstream.hits('/local-only.txt'), 0);
});

test('members [files, up]: a path the local member lacks comes from the remote member', async (t) => {
  const { url } = await setup(t, '[files, up]');
  const res = await fetchSummary(url('remote-only.txt'));
  t.like(res, { status: 200, body: 'remote only', cache: 'MISS', source: 'remote' });
  t.is(res.headers.get('x-artifact-member'), 'up');
  t.like(await fetchSummary(url('remote-only.txt')), { status: 200, body: 'remote only', cache: 'HIT' });
});

test('members [up, files]: the order is respected', async (t) => {
  const { url } = await setup(t, '[up, files]');
  const res = await fetchSummary(url('both.txt'));
  t.like(res, { status: 200, body: 'from upstream' });
  t.is(res.headers.get('x-artifact-member'), 'up');
  t.like(await fetchSummary(url('local-only.txt')), { status: 200, body: 'local only' });
});

test('no member has the path: 404 AAPI_ERR_NOT_FOUND', async (t) => {
  const { upstream, url } = await setup(t, '[files, up]');
  t.like(await fetchSummary(url('nowhere.txt')), { status: 404, code: 'AAPI_ERR_NOT_FOUND' });
  t.like(await fetchSummary(url('nowhere.txt'), { method: 'HEAD' }), { status: 404 });
  t.is(upstream.hits('/nowhere.txt', 'GET'), 2, 'each request tried the remote member (negative_ttl: 0)');
});
