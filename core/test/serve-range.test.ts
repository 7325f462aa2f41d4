import test, { type ExecutionContext } from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { fetchSummary } from './helpers/fetch-summary.js';
import { hashedGet } from './helpers/hashed-get.js';
import { slowBody } from './helpers/slow-upstream.js';
import { genericRemote, startProxy } from './helpers/proxy.js';

// Client Range requests on cached content: one range → 206 with the exact bytes, several → the
// whole body, impossible → 416. Two sizes: one served from the memory tier, one streamed from the
// blob file (memory_cache.max_object_bytes defaults to 1 MiB).

const SIZES = { 'a small body (memory tier)': 1000, 'a 1.5 MiB body (read from the blob file)': 1536 * 1024 };

function pattern(size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (i * 7 + (i >> 8)) & 0xff;
  return out;
}

async function ranged(url: string, range: string) {
  const res = await fetch(url, { headers: { range } });
  return { status: res.status, contentRange: res.headers.get('content-range'), length: res.headers.get('content-length'), body: Buffer.from(await res.arrayBuffer()) };
}

async function cachedProxy(t: ExecutionContext, body: Buffer) {
  const upstream = await startUpstream({ files: { '/pkg/blob.bin': body } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  const url = `${proxy.url}/api/v1/remote/up/pkg/blob.bin`;
  const warm = await fetch(url);
  t.is(Buffer.compare(Buffer.from(await warm.arrayBuffer()), body), 0);
  return { url, upstream };
}

for (const [label, size] of Object.entries(SIZES)) {
  test(`single ranges on ${label}: 206 with Content-Range and the exact bytes`, async (t) => {
    const body = pattern(size);
    const { url, upstream } = await cachedProxy(t, body);
    const cases: [string, number, number][] = [
      ['bytes=100-199', 100, 199],
      ['bytes=-10', size - 10, size - 1],
      ['bytes=100-', 100, size - 1],
      [`bytes=${size - 5}-${size + 100}`, size - 5, size - 1],
    ];
    for (const [range, start, end] of cases) {
      const res = await ranged(url, range);
      t.is(res.status, 206, range);
      t.is(res.contentRange, `bytes ${start}-${end}/${size}`, range);
      t.is(res.length, String(end - start + 1), range);
      t.is(Buffer.compare(res.body, body.subarray(start, end + 1)), 0, range);
    }
    t.is(upstream.hits('/pkg/blob.bin', 'GET'), 1, 'ranges are answered from the cache');
  });

  test(`an unsatisfiable range on ${label}: 416 with Content-Range: bytes */size`, async (t) => {
    const { url } = await cachedProxy(t, pattern(size));
    const res = await fetchSummary(url, { headers: { range: `bytes=${size}-` } });
    t.is(res.status, 416);
    t.is(res.headers.get('content-range'), `bytes */${size}`);
    t.is(res.code, 'AAPI_ERR_RANGE_NOT_SATISFIABLE');
  });

  test(`several ranges on ${label} get the whole body with 200`, async (t) => {
    const body = pattern(size);
    const { url } = await cachedProxy(t, body);
    const res = await ranged(url, 'bytes=0-9,20-29');
    t.is(res.status, 200);
    t.is(res.contentRange, null);
    t.is(Buffer.compare(res.body, body), 0);
  });
}

test('a range on a miss is answered from the download in flight', async (t) => {
  const body = pattern(600 * 1024);
  const upstream = await startUpstream({ files: { '/pkg/blob.bin': body } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  const res = await ranged(`${proxy.url}/api/v1/remote/up/pkg/blob.bin`, 'bytes=1000-1999');
  t.is(res.status, 206);
  t.is(res.contentRange, `bytes 1000-1999/${body.byteLength}`);
  t.is(Buffer.compare(res.body, body.subarray(1000, 2000)), 0);
});

test('a range on a miss is not completed before the download is verified: a cut download fails it', async (t) => {
  const body = pattern(3 * 1024 * 1024);
  const cut = slowBody(body, { chunkSize: 1024 * 1024, intervalMs: 20, cutAfter: 1.5 * 1024 * 1024 });
  const upstream = await startUpstream({ handlers: { '/pkg/blob.bin': cut.handler } });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  // All 100 bytes arrive early; the response must still not end as complete, since the download
  // they came from never verifies.
  const res = await hashedGet(`${proxy.url}/api/v1/remote/up/pkg/blob.bin`, { headers: { range: 'bytes=0-99' } });
  t.is(res.status, 206);
  t.false(res.complete);
  t.truthy(res.error);
});
