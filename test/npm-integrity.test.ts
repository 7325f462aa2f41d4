import test from 'ava';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { startFixtureRegistry } from './npm-fixture-registry.js';

const PUBLISHED = new Date('2022-01-10T08:00:00Z');

test('a tarball whose bytes do not match the packument integrity is a 502 and is never cached', async (t) => {
  const registry = await startFixtureRegistry(t, [
    { name: 'good', version: '1.0.0', published: PUBLISHED, files: { 'index.js': '1;\n' } },
    { name: 'bad', version: '1.0.0', published: PUBLISHED, files: { 'index.js': '2;\n' }, tampered: true },
  ]);
  const dir = await tempDir(t);
  const config = await writeConfig(dir, `remotes:\n  npmjs: { type: remote, package: npm, base_url: '${registry.upstream.url}' }\n`);
  const proc = await startServe(t, { config });
  const api = `${proc.url}/api/v1/remote/npmjs`;
  const badPath = registry.tarballPath('bad', '1.0.0');

  for (let attempt = 1; attempt <= 2; attempt++) {
    const res = await fetch(`${api}${badPath}`);
    t.is(res.status, 502, `attempt ${attempt}`);
    const body = (await res.json()) as { code: string };
    t.is(body.code, 'AAPI_ERR_UPSTREAM_DIGEST');
    t.is(registry.upstream.hits(badPath), attempt, 'nothing was cached, so each attempt goes upstream');
  }

  // The same check passes for a tarball that matches, which is then served from the cache.
  const goodPath = registry.tarballPath('good', '1.0.0');
  const good = await fetch(`${api}${goodPath}`);
  t.is(good.status, 200);
  await good.arrayBuffer();
  const again = await fetch(`${api}${goodPath}`);
  t.is(again.headers.get('x-artifact-cache'), 'HIT');
  await again.arrayBuffer();
  t.is(registry.upstream.hits(goodPath), 1);
});
