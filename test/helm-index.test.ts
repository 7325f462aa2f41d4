import test from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { chartArchive, chartUrls, helmConfig, indexYaml, resolveChartUrl, sha256 } from './helm-chart-repo.js';

test('index.yaml points every chart at the proxy; charts arrive byte-identical and are cached', async (t) => {
  const web = await chartArchive('web', '1.0.0');
  const db = await chartArchive('db', '2.0.0');
  const cache = await chartArchive('cache', '0.1.0');
  const dbProv = '-----BEGIN PGP SIGNED MESSAGE-----\nname: db\n-----END PGP SIGNATURE-----\n';
  const upstream = await startUpstream();
  t.teardown(() => upstream.close());
  const created = new Date(Date.now() - 90 * 86_400_000);
  upstream.setFile(
    '/stable/index.yaml',
    indexYaml([
      // Absolute under base_url, absolute elsewhere on the same host (GitHub-Pages-like), relative.
      { name: 'web', version: '1.0.0', url: `${upstream.url}/stable/charts/web-1.0.0.tgz`, digest: sha256(web), created },
      { name: 'db', version: '2.0.0', url: `${upstream.url}/releases/download/db-2.0.0/db-2.0.0.tgz`, digest: sha256(db), created },
      { name: 'cache', version: '0.1.0', url: 'charts/cache-0.1.0.tgz', digest: sha256(cache), created },
    ]),
  );
  upstream.setFile('/stable/charts/web-1.0.0.tgz', web);
  upstream.setFile('/releases/download/db-2.0.0/db-2.0.0.tgz', db);
  upstream.setFile('/releases/download/db-2.0.0/db-2.0.0.tgz.prov', dbProv);
  upstream.setFile('/stable/charts/cache-0.1.0.tgz', cache);

  const config = await writeConfig(await tempDir(t), helmConfig(`${upstream.url}/stable`));
  const proc = await startServe(t, { config });
  const repoUrl = `${proc.url}/api/v1/remote/charts`;

  const index = await fetch(`${repoUrl}/index.yaml`);
  t.is(index.status, 200);
  t.regex(index.headers.get('content-type') ?? '', /yaml/);
  const urls = chartUrls(await index.text());
  t.deepEqual(urls, {
    'web@1.0.0': [`${repoUrl}/charts/web-1.0.0.tgz`],
    'db@2.0.0': [`${repoUrl}/-/origin/releases/download/db-2.0.0/db-2.0.0.tgz`],
    'cache@0.1.0': ['charts/cache-0.1.0.tgz'],
  });

  const expected: Record<string, [Buffer, string]> = {
    'web@1.0.0': [web, '/stable/charts/web-1.0.0.tgz'],
    'db@2.0.0': [db, '/releases/download/db-2.0.0/db-2.0.0.tgz'],
    'cache@0.1.0': [cache, '/stable/charts/cache-0.1.0.tgz'],
  };
  for (const [chart, [bytes, upstreamPath]] of Object.entries(expected)) {
    const url = resolveChartUrl(urls[chart]![0]!, repoUrl);
    const first = await fetch(url);
    t.is(first.status, 200, `${chart} via ${url}`);
    t.true(Buffer.from(await first.arrayBuffer()).equals(bytes), `${chart}: bytes`);
    t.is(first.headers.get('x-artifact-cache'), 'MISS', chart);
    const second = await fetch(url);
    t.true(Buffer.from(await second.arrayBuffer()).equals(bytes), `${chart}: bytes from cache`);
    t.is(second.headers.get('x-artifact-cache'), 'HIT', chart);
    t.is(upstream.hits(upstreamPath, 'GET'), 1, `${chart}: one upstream GET`);
  }

  // helm pull --verify asks for the provenance file next to the chart URL.
  const prov = await fetch(`${resolveChartUrl(urls['db@2.0.0']![0]!, repoUrl)}.prov`);
  t.is(prov.status, 200);
  t.is(await prov.text(), dbProv);
});

test('a rewritten URL cannot be bent to another host or to a non-chart file', async (t) => {
  const upstream = await startUpstream({ files: { '/stable/index.yaml': 'apiVersion: v1\nentries: {}\n', '/secret.txt': 'nope' } });
  t.teardown(() => upstream.close());
  const config = await writeConfig(await tempDir(t), helmConfig(`${upstream.url}/stable`));
  const proc = await startServe(t, { config });
  const repoUrl = `${proc.url}/api/v1/remote/charts`;
  const notChart = await fetch(`${repoUrl}/-/origin/secret.txt`);
  t.is(notChart.status, 403);
  await notChart.arrayBuffer();
  const noFiles = await fetch(`${repoUrl}/-/files/evil.example/x-1.0.0.tgz`);
  t.is(noFiles.status, 403);
  await noFiles.arrayBuffer();
  t.is(upstream.hits('/secret.txt'), 0);
});
