import test from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { chartArchive, helmConfig, indexYaml, sha256 } from './helm-chart-repo.js';

/** A GET that never rejects; `body` is undefined when the response broke off before its end. */
async function attempt(url: string): Promise<{ status: number; cache: string | null; body?: Buffer }> {
  const res = await fetch(url);
  try {
    return { status: res.status, cache: res.headers.get('x-artifact-cache'), body: Buffer.from(await res.arrayBuffer()) };
  } catch {
    return { status: res.status, cache: res.headers.get('x-artifact-cache') };
  }
}

test('a chart whose bytes do not match the index digest is refused (502, or broken off mid-stream) and never cached', async (t) => {
  const good = await chartArchive('app', '1.0.0');
  const tampered = await chartArchive('app', '1.0.0-evil');
  const upstream = await startUpstream();
  t.teardown(() => upstream.close());
  upstream.setFile(
    '/index.yaml',
    indexYaml([{ name: 'app', version: '1.0.0', url: 'app-1.0.0.tgz', digest: sha256(good), created: new Date('2024-01-01T00:00:00Z') }]),
  );
  upstream.setFile('/app-1.0.0.tgz', tampered);
  const config = await writeConfig(await tempDir(t), helmConfig(upstream.url));
  const proc = await startServe(t, { config });
  const chartUrl = `${proc.url}/api/v1/remote/charts/app-1.0.0.tgz`;

  for (const round of [1, 2]) {
    const r = await attempt(chartUrl);
    t.not(r.cache, 'HIT', `round ${round}: never served from cache`);
    if (r.status === 200) {
      // The check ends with the download: bytes may already be on their way, then the response breaks off.
      t.is(r.body, undefined, `round ${round}: a 200 must break off before its end`);
    } else {
      t.is(r.status, 502, `round ${round}`);
      t.regex(r.body?.toString() ?? '', /AAPI_ERR_UPSTREAM_DIGEST/);
    }
  }
  t.is(upstream.hits('/app-1.0.0.tgz', 'GET'), 2, 'nothing was cached, so the second request went upstream again');

  // Once the upstream serves the right bytes, the chart is stored and served.
  upstream.setFile('/app-1.0.0.tgz', good);
  const fixed = await attempt(chartUrl);
  t.is(fixed.status, 200);
  t.true(fixed.body?.equals(good));
  t.is((await attempt(chartUrl)).cache, 'HIT');
});
