import test from 'ava';
import { buildDists, startPypiProxy, startPypiUpstream } from './helpers/pypi-upstream.js';

test('a JSON upstream page is served as HTML or JSON by Accept, under every spelling of the name, fetched once', async (t) => {
  const upstream = await startPypiUpstream(t, await buildDists(t));
  const { base } = await startPypiProxy(t, upstream);
  const html = await fetch(`${base}/simple/TinyWheel`, { headers: { accept: 'text/html' } });
  t.is(html.status, 200);
  t.is(html.headers.get('content-type'), 'text/html; charset=utf-8');
  t.is(html.headers.get('vary'), 'Accept, Host', 'the links are built from Host');
  const whl = upstream.dists.get('tinywheel-1.0.0-py3-none-any.whl')!;
  const body = await html.text();
  t.true(body.includes(`href="${base}${whl.path}#sha256=${whl.sha256}"`), body);
  t.true(body.includes('data-core-metadata="sha256='));
  t.false(body.includes(upstream.files.url));

  const json = await fetch(`${base}/simple/TINYWHEEL/`, { headers: { accept: 'application/vnd.pypi.simple.v1+json' } });
  t.is(json.status, 200);
  t.is(json.headers.get('content-type'), 'application/vnd.pypi.simple.v1+json');
  const doc = (await json.json()) as { files: { url: string }[] };
  t.deepEqual(
    doc.files.map((f) => f.url),
    [`${base}${whl.path}`, `${base}${upstream.dists.get('tinywheel-1.1.0-py3-none-any.whl')!.path}`],
  );
  t.is(upstream.index.hits('/simple/tinywheel/', 'GET'), 1);
});

test('an HTML-only upstream page is served as PEP 691 JSON with its #sha256 as hashes', async (t) => {
  const upstream = await startPypiUpstream(t, await buildDists(t));
  const { base } = await startPypiProxy(t, upstream);
  const res = await fetch(`${base}/simple/tinysdist/`, { headers: { accept: 'application/vnd.pypi.simple.v1+json' } });
  t.is(res.status, 200);
  const sdist = upstream.dists.get('tinysdist-0.1.0.tar.gz')!;
  t.deepEqual(((await res.json()) as { files: unknown[] }).files, [
    { filename: sdist.filename, url: `${base}${sdist.path}`, hashes: { sha256: sdist.sha256 }, 'requires-python': '>=3.7' },
  ]);
});
