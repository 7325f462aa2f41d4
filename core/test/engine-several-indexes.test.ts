import test, { type ExecutionContext } from 'ava';
import { createHash } from 'node:crypto';
import { definePlugin, taskRef } from '@artifactapi/plugin-sdk';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { startPluginHost } from '../src/testing/plugin-host.js';

// Several indexes per artifact (their facts combined: one gives the digest, another the publish
// time), and a rewriter's companion documents.

const tasks = new URL('./helpers/several-indexes-tasks.js', import.meta.url);
const plugin = definePlugin({
  type: 'checked',
  description: 'files checked by a verifier named in one index, dated by another',
  classify(path) {
    if (path.startsWith('files/')) return { cache: 'immutable' };
    if (path === 'list') return { cache: 'mutable', index: 'list' };
    return { cache: 'mutable' };
  },
  indexOf(path) {
    const name = /^files\/(.+)$/.exec(path)?.[1];
    return name === undefined ? undefined : [{ path: `sums/${name}`, index: 'sums' }, { path: `times/${name}`, index: 'times' }];
  },
  companions: (path, body) => (path === 'list' ? new TextDecoder().decode(body).split('\n').filter(Boolean).map((n) => `times/${n}`) : []),
  inspectors: { sums: taskRef(tasks, 'inspectSums'), times: taskRef(tasks, 'inspectTimes') },
  rewriters: { list: taskRef(tasks, 'keepTimed') },
});

const OLD = '2020-01-01T00:00:00Z';

async function host(t: ExecutionContext, files: Record<string, string>, repo: Record<string, unknown> = {}) {
  const upstream = await startUpstream();
  for (const [path, body] of Object.entries(files)) upstream.setFile(path, body);
  const running = await startPluginHost({ plugin, repos: { r: { type: 'remote', base_url: upstream.url, ...repo } } });
  t.teardown(async () => {
    await running.close();
    await upstream.close();
  });
  const get = async (path: string) => {
    const res = await fetch(`${running.url}/api/v1/remote/r/${path}`);
    const body = await res.text();
    return { status: res.status, cache: res.headers.get('x-artifact-cache'), body, code: res.status >= 400 ? (JSON.parse(body) as { error: { code: string } }).error.code : undefined };
  };
  return { upstream, get };
}

test('several indexes: the digest from one and the time from the other are both applied', async (t) => {
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  const { upstream, get } = await host(t, { '/files/good': 'hello', '/sums/good': sha('hello'), '/times/good': OLD, '/files/bad': 'hello', '/sums/bad': sha('other'), '/times/bad': OLD });
  t.like(await get('files/good'), { status: 200, cache: 'MISS', body: 'hello' });
  t.like(await get('files/good'), { status: 200, cache: 'HIT' });
  t.like(await get('files/bad'), { status: 502, code: 'AAPI_ERR_UPSTREAM_DIGEST' });
  t.like(await get('files/bad'), { status: 502, code: 'AAPI_ERR_UPSTREAM_DIGEST' });
  t.is(upstream.hits('/files/bad'), 2, 'never stored');
});

test('several indexes: one that cannot be read leaves the file unverified, but the other still dates it for quarantine', async (t) => {
  const recent = new Date(Date.now() - 3_600_000).toISOString();
  const { get } = await host(t, { '/files/young': 'x', '/times/young': recent, '/files/undated': 'y', '/sums/undated': createHash('sha256').update('y').digest('hex'), '/files/old': 'z', '/times/old': OLD }, { quarantine_days: 1 });
  t.like(await get('files/young'), { status: 451, code: 'AAPI_ERR_QUARANTINED' });
  t.like(await get('files/undated'), { status: 502, code: 'AAPI_ERR_INDEX_UNAVAILABLE' });
  t.like(await get('files/old'), { status: 200, body: 'z' });
});

test('a rewriter gets the companion documents its plugin names, null for those that cannot be had', async (t) => {
  const { upstream, get } = await host(t, { '/list': 'a\nb\nc\n', '/times/a': OLD, '/times/c': OLD });
  t.like(await get('list'), { status: 200, body: 'a\nc' });
  t.like(await get('list'), { status: 200, body: 'a\nc' });
  t.is(upstream.hits('/times/a'), 1, 'companions come through the cache');
});
