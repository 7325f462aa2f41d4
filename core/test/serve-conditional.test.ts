import test, { type ExecutionContext } from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { genericRemote, startProxy } from './helpers/proxy.js';

// A client's own If-None-Match / If-Modified-Since against the proxy's ETag and Last-Modified:
// 304 with no body when current, the full 200 otherwise.

const BODY = 'conditional body';
const LAST_MODIFIED = new Date('2024-05-01T12:00:00Z');

async function cached(t: ExecutionContext) {
  const upstream = await startUpstream({ files: { '/pkg/c.tar.gz': { body: BODY, lastModified: LAST_MODIFIED } } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  const url = `${proxy.url}/api/v1/remote/up/pkg/c.tar.gz`;
  await (await fetch(url)).text();
  const hit = await fetch(url);
  await hit.text();
  const etag = hit.headers.get('etag');
  if (!etag) throw new Error('a cached response carries an ETag');
  return { url, etag, lastModified: hit.headers.get('last-modified') };
}

async function conditional(url: string, headers: Record<string, string>) {
  const res = await fetch(url, { headers });
  return { status: res.status, body: await res.text(), etag: res.headers.get('etag') };
}

test('If-None-Match with the returned ETag → 304 without body', async (t) => {
  const { url, etag } = await cached(t);
  t.regex(etag, /^"[^"]+"$/, 'a strong, quoted ETag');
  t.like(await conditional(url, { 'if-none-match': etag }), { status: 304, body: '', etag });
  t.like(await conditional(url, { 'if-none-match': `"other", ${etag}` }), { status: 304 });
  t.like(await conditional(url, { 'if-none-match': `W/${etag}` }), { status: 304 }, 'weak comparison');
  t.like(await conditional(url, { 'if-none-match': '*' }), { status: 304 });
});

test('If-None-Match with another ETag → 200 with the body', async (t) => {
  const { url } = await cached(t);
  t.like(await conditional(url, { 'if-none-match': '"not-it"' }), { status: 200, body: BODY });
});

test('If-Modified-Since at or after Last-Modified → 304; before → 200', async (t) => {
  const { url, lastModified } = await cached(t);
  t.is(lastModified, LAST_MODIFIED.toUTCString());
  t.like(await conditional(url, { 'if-modified-since': lastModified! }), { status: 304, body: '' });
  t.like(await conditional(url, { 'if-modified-since': new Date(LAST_MODIFIED.getTime() + 86_400_000).toUTCString() }), { status: 304 });
  t.like(await conditional(url, { 'if-modified-since': new Date(LAST_MODIFIED.getTime() - 1000).toUTCString() }), { status: 200, body: BODY });
});

test('If-None-Match takes precedence over If-Modified-Since', async (t) => {
  const { url, lastModified } = await cached(t);
  t.like(await conditional(url, { 'if-none-match': '"not-it"', 'if-modified-since': lastModified! }), { status: 200, body: BODY });
});
