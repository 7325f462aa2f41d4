import test from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { startProxy } from '@artifactapi/core/testing/proxy';
import { getWithHeaders } from './helpers/get-with-headers.js';

const VERSIONS = 2500;
const HOSTS = 40;

/** A full packument of about 9 MB: many versions with long descriptions, as popular packages have. */
function largePackument(upstreamUrl: string): string {
  const versions: Record<string, unknown> = {};
  const time: Record<string, string> = { created: '2020-01-01T00:00:00.000Z', modified: '2020-01-01T00:00:00.000Z' };
  for (let i = 0; i < VERSIONS; i++) {
    const version = `1.0.${i}`;
    versions[version] = {
      name: 'big',
      version,
      description: `release ${i} `.repeat(300),
      dist: { tarball: `${upstreamUrl}/big/-/big-${version}.tgz`, shasum: '0'.repeat(40) },
    };
    time[version] = '2020-01-01T00:00:00.000Z';
  }
  return JSON.stringify({ _id: 'big', name: 'big', 'dist-tags': { latest: `1.0.${VERSIONS - 1}` }, versions, time });
}

test('many distinct Host values on a large packument keep rendered documents, running renders included, within the byte bound', async (t) => {
  const upstream = await startUpstream();
  t.teardown(() => upstream.close());
  const body = largePackument(upstream.url);
  upstream.setFile('/big', { body, contentType: 'application/json' });
  const proxy = await startProxy(t, `remotes:\n  npmjs: { type: remote, package: npm, base_url: '${upstream.url}' }\n`);
  const url = `${proxy.url}/api/v1/remote/npmjs/big`;
  const engine = proxy.server.context.engine;

  const results = await Promise.all(
    Array.from({ length: HOSTS }, (_, i) => getWithHeaders(url, { host: `h${i}.example`, accept: 'application/json' }, 64 * 1024)),
  );
  results.forEach((res, i) => {
    t.is(res.status, 200);
    t.true(res.body.toString().includes(`"http://h${i}.example/api/v1/remote/npmjs/big/-/big-1.0.0.tgz"`), `host ${i}`);
  });

  const stats = engine.renderedStats();
  t.true(HOSTS * body.length > 2 * stats.limitBytes, 'the storm asks for more than the bound');
  t.is(stats.renders, HOSTS);
  t.true(stats.peakBytes <= stats.limitBytes, `peak ${stats.peakBytes} within ${stats.limitBytes}`);
  t.true(stats.bytes <= stats.limitBytes);
  t.true(stats.peakBytes >= 2 * body.length, 'several documents were held at once, so the bound was what limited them');

  // The hot case: one public base, asked again, is answered from memory without rendering.
  await getWithHeaders(url, { host: 'hot.example', accept: 'application/json' }, 0);
  const before = engine.renderedStats().renders;
  const again = await getWithHeaders(url, { host: 'hot.example', accept: 'application/json' }, 0);
  t.is(again.status, 200);
  t.is(engine.renderedStats().renders, before);
});
