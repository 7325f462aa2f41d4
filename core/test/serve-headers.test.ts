import test from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { genericRemote, startProxy } from './helpers/proxy.js';

// The artifact response headers of DESIGN §3, on the fetch (MISS) and on the repeat (HIT).

const LAST_MODIFIED = new Date('2023-11-14T08:30:00Z');

test('Content-Type, Content-Length, Last-Modified, Content-Disposition and X-Artifact-* on a miss and a hit', async (t) => {
  const body = Buffer.alloc(2048, 'd');
  const upstream = await startUpstream({
    files: { '/tools/tool-1.0.tar.gz': { body, contentType: 'application/x-gtar', lastModified: LAST_MODIFIED } },
  });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  const url = `${proxy.url}/api/v1/remote/up/tools/tool-1.0.tar.gz`;
  const expected = {
    'content-type': 'application/x-gtar',
    'content-length': '2048',
    'last-modified': LAST_MODIFIED.toUTCString(),
    'content-disposition': 'attachment; filename="tool-1.0.tar.gz"',
  };
  for (const [source, cache] of [['remote', 'MISS'], ['cache', 'HIT']]) {
    const res = await fetch(url);
    t.is(Buffer.compare(Buffer.from(await res.arrayBuffer()), body), 0);
    const headers = Object.fromEntries(Object.keys(expected).map((k) => [k, res.headers.get(k)]));
    t.deepEqual(headers, expected, cache);
    t.is(res.headers.get('x-artifact-source'), source);
    t.is(res.headers.get('x-artifact-cache'), cache);
  }
});

test('a cached response has a strong ETag that names its content', async (t) => {
  const upstream = await startUpstream({ files: { '/a.bin': 'same', '/b.bin': 'same', '/c.bin': 'different' } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  const etagOf = async (path: string) => {
    await (await fetch(`${proxy.url}/api/v1/remote/up${path}`)).text();
    const res = await fetch(`${proxy.url}/api/v1/remote/up${path}`);
    await res.text();
    return res.headers.get('etag');
  };
  const [a, b, c] = [await etagOf('/a.bin'), await etagOf('/b.bin'), await etagOf('/c.bin')];
  t.regex(a ?? '', /^"[^"]+"$/);
  t.is(a, b, 'same bytes, same ETag');
  t.not(a, c);
});

test('Content-Disposition carries a non-ASCII file name as filename*', async (t) => {
  const upstream = await startUpstream({ files: { '/docs/na%C3%AFve.txt': 'x' } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  const res = await fetch(`${proxy.url}/api/v1/remote/up/docs/na%C3%AFve.txt`);
  t.is(res.status, 200);
  await res.text();
  t.is(res.headers.get('content-disposition'), `attachment; filename="na_ve.txt"; filename*=UTF-8''na%C3%AFve.txt`);
});

test('an upstream without Content-Type is served as application/octet-stream', async (t) => {
  const upstream = await startUpstream({
    handlers: {
      '/raw': (_req, res) => {
        res.writeHead(200, { 'content-length': '3' }).end('raw');
      },
    },
  });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  for (const cache of ['MISS', 'HIT']) {
    const res = await fetch(`${proxy.url}/api/v1/remote/up/raw`);
    t.is(await res.text(), 'raw');
    t.is(res.headers.get('x-artifact-cache'), cache);
    t.is(res.headers.get('content-type'), 'application/octet-stream');
  }
});
