import test from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { genericRemote, startProxy } from './helpers/proxy.js';

// HEAD answers with the headers a GET would carry, Content-Length included, and no body: on a
// miss (the proxy fetches and stores the file) and on a hit.

const BODY = Buffer.alloc(5000, 'h');

async function head(url: string) {
  const res = await fetch(url, { method: 'HEAD' });
  return { res, body: Buffer.from(await res.arrayBuffer()) };
}

test('HEAD on a miss and on a hit: status, Content-Length and artifact headers, no body', async (t) => {
  const upstream = await startUpstream({ files: { '/pkg/a.tar.gz': { body: BODY, contentType: 'application/gzip' } } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  const url = `${proxy.url}/api/v1/remote/up/pkg/a.tar.gz`;

  const miss = await head(url);
  t.is(miss.res.status, 200);
  t.is(miss.res.headers.get('x-artifact-cache'), 'MISS');
  t.is(miss.res.headers.get('x-artifact-source'), 'remote');
  t.is(miss.res.headers.get('content-length'), String(BODY.byteLength));
  t.is(miss.res.headers.get('content-type'), 'application/gzip');
  t.is(miss.body.byteLength, 0);

  // The HEAD's fetch is stored: a GET then needs no second upstream GET.
  const get = await fetch(url);
  t.is(Buffer.compare(Buffer.from(await get.arrayBuffer()), BODY), 0);

  const hit = await head(url);
  t.is(hit.res.status, 200);
  t.is(hit.res.headers.get('x-artifact-cache'), 'HIT');
  t.is(hit.res.headers.get('x-artifact-source'), 'cache');
  t.is(hit.res.headers.get('content-length'), String(BODY.byteLength));
  t.is(hit.res.headers.get('content-type'), 'application/gzip');
  t.truthy(hit.res.headers.get('etag'));
  t.is(hit.body.byteLength, 0);

  t.is(upstream.hits('/pkg/a.tar.gz', 'GET') + upstream.hits('/pkg/a.tar.gz', 'HEAD'), 1);
});

test('HEAD of a file missing upstream is a 404 without body', async (t) => {
  const upstream = await startUpstream();
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  const { res, body } = await head(`${proxy.url}/api/v1/remote/up/pkg/nope.tar.gz`);
  t.is(res.status, 404);
  t.is(body.byteLength, 0);
});
