import { createHash } from 'node:crypto';
import test from 'ava';
import { buildDists, startPypiProxy, startPypiUpstream } from './helpers/pypi-upstream.js';

test('a file whose bytes do not match the index sha256 is refused with 502 and never cached', async (t) => {
  const upstream = await startPypiUpstream(t, await buildDists(t));
  const { base } = await startPypiProxy(t, upstream);
  const whl = upstream.dists.get('tinywheel-1.0.0-py3-none-any.whl')!;
  const badPath = whl.path.replace(whl.filename, 'badhash-1.0-py3-none-any.whl');
  for (let attempt = 1; attempt <= 2; attempt++) {
    const res = await fetch(`${base}${badPath}`);
    t.is(res.status, 502, `attempt ${attempt}`);
    t.is(((await res.json()) as { error: { code: string } }).error.code, 'AAPI_ERR_UPSTREAM_DIGEST');
  }
  t.is(upstream.files.hits(badPath, 'GET'), 2);
});

test('a file and its PEP 658 metadata that match the index are stored and then served from cache', async (t) => {
  const upstream = await startPypiUpstream(t, await buildDists(t));
  const { base } = await startPypiProxy(t, upstream);
  const whl = upstream.dists.get('tinywheel-1.0.0-py3-none-any.whl')!;
  for (const file of [whl, upstream.dists.get(`${whl.filename}.metadata`)!]) {
    const etag = `"${createHash('sha256').update(file.bytes).digest('hex')}"`;
    const first = await fetch(`${base}${file.path}`);
    t.is(first.status, 200);
    t.is(first.headers.get('x-artifact-cache'), 'MISS');
    // The index names the sha256, so even the miss can say which bytes it is sending.
    t.is(first.headers.get('etag'), etag);
    t.true(Buffer.from(await first.arrayBuffer()).equals(file.bytes));
    const again = await fetch(`${base}${file.path}`);
    t.true(Buffer.from(await again.arrayBuffer()).equals(file.bytes));
    t.is(again.headers.get('x-artifact-source'), 'cache');
    t.is(again.headers.get('etag'), etag);
    t.is(upstream.files.hits(file.path, 'GET'), 1);
  }
});
