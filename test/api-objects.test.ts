import test from 'ava';
import { startUpstream, type UpstreamServer } from '@artifactapi/plugin-sdk/testkit';
import { apiClient, listenEvents, within } from './api-client.js';
import { startServe, type ServeProcess } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';

// One server for the file, its tests in order (each builds on what the previous one cached).
const TOKEN = 'objects-admin-token';
const COUNT = 25;
const name = (i: number) => `pkg/file-${String(i).padStart(2, '0')}.bin`;
/** File i has i + 1 KiB, so size order is path order. */
const bodyOf = (i: number) => Buffer.alloc((i + 1) * 1024, i);

const cleanups: (() => unknown)[] = [];
const scope = { teardown: (fn: () => unknown) => void cleanups.push(fn) };
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

let upstream: UpstreamServer;
let flaky: UpstreamServer;
let server: ServeProcess;
let api: ReturnType<typeof apiClient>;
let events: Awaited<ReturnType<typeof listenEvents>>;

const get = (path: string, repo = 'files') => fetch(`${server.url}/api/v1/remote/${repo}/${path}`);
async function cacheStatus(path: string): Promise<string | null> {
  const res = await get(path);
  await res.arrayBuffer();
  return res.headers.get('x-artifact-cache');
}
type Stats = { total: Record<string, number>; repositories: Record<string, Record<string, number>>; blobs: { count: number; bytes: number } };
const stats = async () => (await api.call<Stats>('GET', '/api/v2/stats')).body;
let before: Stats;

test.before(async () => {
  const files: Record<string, Buffer | string> = { '/other/extra.txt': 'extra', '/other/probe-me.txt': 'probed bytes' };
  for (let i = 0; i < COUNT; i++) files[`/${name(i)}`] = bodyOf(i);
  upstream = await startUpstream({ files });
  scope.teardown(() => upstream.close());
  flaky = await startUpstream({ files: { '/x.txt': 'x' } });
  scope.teardown(() => flaky.close());
  const config = await writeConfig(
    await tempDir(scope),
    `
auth: { admin_token: ${TOKEN} }
log: { level: warn }
upstream: { breaker: { failures: 2, cooldown: 600 } }
remotes:
  files: { type: remote, package: generic, base_url: ${upstream.url} }
  flaky: { type: remote, package: generic, base_url: ${flaky.url} }
  hosted: { type: local, package: generic }
`,
  );
  server = await startServe(scope, { config });
  api = apiClient(server.url, TOKEN);
  before = await stats();
  events = await listenEvents(server.url, TOKEN);
  scope.teardown(() => events.stop());
});

test.serial('each miss is a fetch event on the stream', async (t) => {
  for (let i = 0; i < COUNT; i++) t.is(await cacheStatus(name(i)), 'MISS');
  const fetched = await events.waitFor((e) => e.event === 'fetch' && e.data['path'] === name(7));
  t.like(fetched.data, { type: 'fetch', repo: 'files', status: 200, bytes: 8 * 1024 });
  t.regex(String(fetched.data['time']), /^\d{4}-\d\d-\d\dT/);
  t.is(events.received.filter((e) => e.event === 'hit').length, 0);
});

test.serial('objects come a page at a time with a cursor, in path order, every object once', async (t) => {
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const page = await api.call('GET', `/api/v2/remotes/files/objects?limit=10${query}`);
    t.is(page.status, 200, JSON.stringify(page.body));
    seen.push(...page.body['objects'].map((o: { path: string }) => o.path));
    cursor = page.body['next_cursor'];
    pages++;
  } while (cursor !== null && pages < 10);
  t.is(pages, 3);
  t.deepEqual(seen, Array.from({ length: COUNT }, (_, i) => name(i)));

  const first = (await api.call('GET', '/api/v2/remotes/files/objects?limit=1')).body['objects'][0];
  t.like(first, { path: name(0), size: 1024, content_type: 'application/octet-stream', mutable: false, expires_at: null });
  t.regex(first.digest, /^sha256:[0-9a-f]{64}$/);
  t.regex(first.cached_at, /^\d{4}-\d\d-\d\dT.*Z$/);
});

test.serial('sorted by size descending across pages; q and prefix filter; a cursor from another listing is refused', async (t) => {
  const sizes: number[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 5; pages++) {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const page = await api.call('GET', `/api/v2/remotes/files/objects?sort=size&order=desc&limit=7${query}`);
    sizes.push(...page.body['objects'].map((o: { size: number }) => o.size));
    cursor = page.body['next_cursor'];
    if (cursor === null) break;
  }
  t.is(sizes.length, COUNT);
  t.deepEqual(sizes, [...sizes].sort((a, b) => b - a));

  const q = await api.call('GET', '/api/v2/remotes/files/objects?q=file-1');
  t.deepEqual(
    q.body['objects'].map((o: { path: string }) => o.path),
    Array.from({ length: 10 }, (_, i) => name(10 + i)),
  );
  const prefixed = await api.call('GET', '/api/v2/remotes/files/objects?prefix=pkg/file-2');
  t.is(prefixed.body['objects'].length, 5);

  const page = await api.call('GET', '/api/v2/remotes/files/objects?limit=2');
  const mismatched = await api.call('GET', `/api/v2/remotes/files/objects?limit=2&sort=size&cursor=${page.body['next_cursor']}`);
  t.is(mismatched.status, 400);
  t.is(mismatched.body['error'].path, 'querystring.cursor');
});

test.serial('hits are counted per object (hot hits included) and sortable; stats counters move', async (t) => {
  for (let n = 0; n < 3; n++) t.is(await cacheStatus(name(3)), 'HIT');
  const top = await api.call('GET', '/api/v2/remotes/files/objects?sort=hits&order=desc&limit=1');
  t.like(top.body['objects'][0], { path: name(3), hits: 3 });
  t.not(top.body['objects'][0].last_access, null);

  const after = await stats();
  const files = after.repositories['files']!;
  const bytes = Array.from({ length: COUNT }, (_, i) => (i + 1) * 1024).reduce((a, b) => a + b, 0);
  t.like(files, { objects: COUNT, bytes });
  t.is(files['misses']! - (before.repositories['files']?.['misses'] ?? 0), COUNT);
  t.is(files['hits']! - (before.repositories['files']?.['hits'] ?? 0), 3);
  t.is(files['bytes_served'], bytes + 3 * 4 * 1024);
  t.like(after.blobs, { count: COUNT, bytes });
  t.is(after.total['objects'], COUNT);
});

test.serial('evicting a path or a prefix: the next GET goes upstream, and evict events are sent', async (t) => {
  const upstreamGets = upstream.hits(`/${name(4)}`, 'GET');
  const one = await api.call('DELETE', `/api/v2/remotes/files/objects?path=${encodeURIComponent(name(4))}`);
  t.deepEqual(one.body, { evicted: 1 });
  await events.waitFor((e) => e.event === 'evict' && e.data['path'] === name(4) && e.data['action'] === 'path');
  t.is(await cacheStatus(name(4)), 'MISS');
  t.is(upstream.hits(`/${name(4)}`, 'GET'), upstreamGets + 1);
  t.is(await cacheStatus(name(4)), 'HIT');

  const some = await api.call('DELETE', '/api/v2/remotes/files/objects?prefix=pkg/file-1');
  t.deepEqual(some.body, { evicted: 10 });
  await events.waitFor((e) => e.event === 'evict' && e.data['action'] === 'prefix');
  t.is(await cacheStatus(name(12)), 'MISS');
  t.is(await cacheStatus(name(2)), 'HIT', 'outside the prefix nothing moved');

  const neither = await api.call('DELETE', '/api/v2/remotes/files/objects');
  t.is(neither.status, 400);
  t.is((await api.call('DELETE', '/api/v2/remotes/files/objects?path=absent.bin')).body['evicted'], 0);
});

test.serial('the seeds\' endpoints: /artifacts lists, /api/{repo}/{path} serves, /cache-artifact fetches a batch as a job', async (t) => {
  const listed = await fetch(`${server.url}/artifacts/files?limit=3`);
  t.is(listed.status, 200);
  const array = (await listed.json()) as { path: string }[];
  t.deepEqual(array.map((o) => o.path), [name(0), name(1), name(2)]);
  t.truthy(listed.headers.get('x-next-cursor'));

  const alias = await fetch(`${server.url}/api/files/${name(5)}`);
  t.is(alias.status, 200);
  t.deepEqual(Buffer.from(await alias.arrayBuffer()), bodyOf(5));
  t.is(alias.headers.get('x-artifact-cache'), 'HIT');

  const anonymous = await fetch(`${server.url}/cache-artifact`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"remote":"files","paths":["other/extra.txt"]}' });
  t.is(anonymous.status, 401);
  await anonymous.arrayBuffer();

  const job = await api.call('POST', '/cache-artifact', { remote: 'files', paths: ['other/extra.txt', 'other/missing.txt'], urls: [`${upstream.url}/${name(15)}`] });
  t.is(job.status, 202, JSON.stringify(job.body));
  const id = job.body['job'].id as string;
  const done = await events.waitFor((e) => e.event === 'job' && e.data['job']?.id === id && e.data['job'].done === 3);
  t.like(done.data['job'], { total: 3, failed: 1 });
  const state = await api.call('GET', `/api/v2/jobs/${id}`);
  t.like(state.body, { state: 'done', done: 3, failed: 1 });
  t.is(state.body['errors'][0].path, 'other/missing.txt');
  t.is(await cacheStatus('other/extra.txt'), 'HIT');
  t.is(await cacheStatus(name(15)), 'HIT');

  const foreign = await api.call('POST', '/cache-artifact', { remote: 'files', urls: ['https://elsewhere.example/x'] });
  t.is(foreign.status, 400);
  t.is(foreign.body['error'].path, 'body.urls[0]');
});

test.serial('probe fetches from the upstream without storing', async (t) => {
  const probe = await api.call('POST', '/api/v2/probe', { remote: 'files', path: 'other/probe-me.txt' });
  t.is(probe.status, 200, JSON.stringify(probe.body));
  t.like(probe.body, { status: 200, bytes: 'probed bytes'.length });
  t.is(probe.body['headers']['content-length'], String('probed bytes'.length));
  t.true(probe.body['ttfb_ms'] >= 0);
  t.is(upstream.hits('/other/probe-me.txt', 'GET'), 1);
  const listed = await api.call('GET', '/api/v2/remotes/files/objects?prefix=other/probe');
  t.deepEqual(listed.body['objects'], [], 'nothing was stored');
  const local = await api.call('POST', '/api/v2/probe', { remote: 'hosted', path: 'a' });
  t.is(local.status, 400);
  const missing = await api.call('POST', '/api/v2/probe', { remote: 'files' });
  t.is(missing.status, 400);
  t.is(missing.body['error'].details[0].path, 'body.path');
});

test.serial('health shows an open breaker once an upstream is down; upstream errors are counted and sent', async (t) => {
  const healthy = await api.call('GET', '/api/v2/health');
  t.like(healthy.body, { status: 'ok', upstreams: { flaky: { state: 'closed' }, files: { state: 'closed' } } });
  t.like(healthy.body['backends'], { metadata: { ok: true, kind: 'sqlite' }, storage: { ok: true, kind: 'fs' }, coordination: { ok: true, kind: 'memory' } });
  await flaky.close();
  for (let n = 0; n < 2; n++) {
    const res = await get('nothing.txt', 'flaky');
    t.is(res.status, 502);
    await res.arrayBuffer();
  }
  await within(5_000, async () => (await api.call('GET', '/api/v2/health')).body['upstreams'].flaky.state === 'open');
  const down = await api.call('GET', '/api/v2/health');
  t.like(down.body, { status: 'degraded', upstreams: { flaky: { state: 'open' }, files: { state: 'closed' } } });
  const failed = await events.waitFor((e) => e.event === 'upstream_error' && e.data['repo'] === 'flaky');
  t.is(failed.data['status'], 502);
  t.true((await stats()).repositories['flaky']!['upstream_errors']! >= 2);
});
