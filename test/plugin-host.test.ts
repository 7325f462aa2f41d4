import test, { type ExecutionContext } from 'ava';
import { createHash } from 'node:crypto';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { startPluginHost } from '@artifactapi/core/testing/plugin-host';

// The SDK test kit's host (@artifactapi/core/testing/plugin-host) runs an apiVersion 2 plugin's
// routes on a real engine with embedded backends: the shelf fixture serves items through its own
// URLs and takes chunked uploads (ctx.uploads) in docker's manner, with its own error codes.

const SHELF = new URL('../fixtures/plugins/artifactapi-plugin-shelf/', import.meta.url);
const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');

async function shelfHost(t: ExecutionContext) {
  const upstream = await startUpstream({ files: { '/books/moby.txt': 'Call me Ishmael.' } });
  const host = await startPluginHost({
    plugin: SHELF,
    repos: { books: { type: 'remote', base_url: upstream.url, shelf: 'books' }, mine: { type: 'local', shelf: 'own' } },
  });
  t.teardown(async () => {
    await host.close();
    await upstream.close();
  });
  const auth = { authorization: `Bearer ${host.adminToken}` };
  return { host, upstream, auth };
}

test('the plugin routes serve a remote repository through the cache', async (t) => {
  const { host, upstream } = await shelfHost(t);
  for (const cache of ['MISS', 'HIT']) {
    const res = await fetch(`${host.url}/shelf-api/books/moby.txt`);
    t.is(res.status, 200);
    t.is(await res.text(), 'Call me Ishmael.');
    t.is(res.headers.get('x-shelf'), 'yes');
    t.is(res.headers.get('x-artifact-cache'), cache);
  }
  t.is(upstream.hits('/books/moby.txt', 'GET'), 1);
  t.deepEqual(await (await fetch(`${host.url}/shelf-api/books/absent.txt`)).json(), { shelfError: 'AAPI_ERR_NOT_FOUND' });
});

test('chunked upload over HTTP: POST, streamed PATCH, out-of-order PATCH → 416, PUT with the digest', async (t) => {
  const { host, auth } = await shelfHost(t);
  const started = await fetch(`${host.url}/shelf-api/mine/uploads/`, { method: 'POST', headers: auth });
  t.is(started.status, 202);
  const location = `${host.url}${started.headers.get('location')}`;

  // A body of unknown length (chunked transfer encoding).
  const streamed = new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('first '));
      controller.enqueue(new TextEncoder().encode('part; '));
      controller.close();
    },
  });
  const patched = await fetch(location, { method: 'PATCH', headers: auth, body: streamed, duplex: 'half' } as RequestInit);
  t.is(patched.status, 202);
  t.is(patched.headers.get('range'), '0-11');

  const wrong = await fetch(location, { method: 'PATCH', headers: { ...auth, 'content-range': '5-9' }, body: 'xxxxx' });
  t.is(wrong.status, 416);
  t.deepEqual(await wrong.json(), { shelfError: 'RANGE_INVALID' });
  t.is((await fetch(location, { headers: auth })).headers.get('range'), '0-11');

  const badDigest = await fetch(`${location}?name=x.txt&digest=sha256:${sha256('nope')}`, { method: 'PUT', headers: auth });
  t.is(badDigest.status, 400);
  t.deepEqual(await badDigest.json(), { shelfError: 'DIGEST_INVALID' });
  t.deepEqual(await (await fetch(location, { headers: auth })).json(), { shelfError: 'BLOB_UPLOAD_UNKNOWN' }, 'a refused commit ends the session');

  const again = await fetch(`${host.url}/shelf-api/mine/uploads/`, { method: 'POST', headers: auth });
  const next = `${host.url}${again.headers.get('location')}`;
  t.is((await fetch(next, { method: 'PATCH', headers: { ...auth, 'content-range': '0-11' }, body: 'first part; ' })).status, 202);
  const put = await fetch(`${next}?name=story.txt&digest=sha256:${sha256('first part; last part')}`, {
    method: 'PUT',
    headers: { ...auth, 'content-range': '12-20' },
    body: 'last part',
  });
  t.is(put.status, 201);
  t.deepEqual(await put.json(), { digest: `sha256:${sha256('first part; last part')}`, size: 21 });
  t.is(await (await fetch(`${host.url}/shelf-api/mine/story.txt`)).text(), 'first part; last part');
  t.is((await fetch(`${host.url}/shelf-api/mine/uploads/`, { method: 'POST' })).status, 401, 'uploads need the admin token');
});
