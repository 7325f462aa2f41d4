import test, { type ExecutionContext } from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { chartArchive, chartUrls, helmConfig, indexYaml, sha256 } from './helm-chart-repo.js';

const DAY = 86_400_000;

/** Serves a helm remote with a 7-day quarantine over `upstreamUrl`; resolves to its repository URL. */
async function serveCharts(t: ExecutionContext, upstreamUrl: string): Promise<string> {
  const config = await writeConfig(await tempDir(t), helmConfig(upstreamUrl, 'quarantine_days: 7'));
  const proc = await startServe(t, { config });
  return `${proc.url}/api/v1/remote/charts`;
}

test('quarantine_days hides young chart versions from index.yaml and refuses them with 451', async (t) => {
  const old = await chartArchive('app', '1.0.0');
  const young = await chartArchive('app', '2.0.0');
  const fresh = await chartArchive('fresh', '0.1.0');
  const youngCreated = new Date(Date.now() - 1 * DAY);
  const upstream = await startUpstream();
  t.teardown(() => upstream.close());
  upstream.setFile(
    '/index.yaml',
    indexYaml([
      { name: 'app', version: '2.0.0', url: 'app-2.0.0.tgz', digest: sha256(young), created: youngCreated },
      { name: 'app', version: '1.0.0', url: 'app-1.0.0.tgz', digest: sha256(old), created: new Date(Date.now() - 30 * DAY) },
      { name: 'fresh', version: '0.1.0', url: `${upstream.url}/fresh-0.1.0.tgz`, digest: sha256(fresh), created: new Date(Date.now() - 2 * DAY) },
    ]),
  );
  upstream.setFile('/app-1.0.0.tgz', old);
  upstream.setFile('/app-2.0.0.tgz', young);
  upstream.setFile('/fresh-0.1.0.tgz', fresh);
  const repoUrl = await serveCharts(t, upstream.url);

  const index = await fetch(`${repoUrl}/index.yaml`);
  t.is(index.status, 200);
  t.deepEqual(chartUrls(await index.text()), { 'app@1.0.0': ['app-1.0.0.tgz'] }, 'app falls back to 1.0.0; fresh has no version old enough');

  const refused = await fetch(`${repoUrl}/app-2.0.0.tgz`);
  t.is(refused.status, 451);
  const error = ((await refused.json()) as { error: { code: string; message: string } }).error;
  t.is(error.code, 'AAPI_ERR_QUARANTINED');
  t.regex(error.message, /app@2\.0\.0/);
  const availableAt = new Date(youngCreated.getTime() + 7 * DAY).toISOString();
  t.true(error.message.includes(availableAt), `${error.message} names ${availableAt}`);
  const provenance = await fetch(`${repoUrl}/app-2.0.0.tgz.prov`);
  t.is(provenance.status, 451);
  await provenance.arrayBuffer();
  t.is(upstream.hits('/app-2.0.0.tgz'), 0, 'a quarantined chart is never fetched');

  const allowed = await fetch(`${repoUrl}/app-1.0.0.tgz`);
  t.is(allowed.status, 200);
  t.true(Buffer.from(await allowed.arrayBuffer()).equals(old));
});

test('a quarantined chart is refused whatever the spelling of its path, in the request or in index.yaml', async (t) => {
  const young = await chartArchive('app', '2.0.0');
  const upstream = await startUpstream();
  t.teardown(() => upstream.close());
  // The index spells the URL with an escaped '-'; the client spells the '.' before tgz escaped.
  upstream.setFile('/index.yaml', indexYaml([{ name: 'app', version: '2.0.0', url: 'app%2D2.0.0.tgz', digest: sha256(young), created: new Date() }]));
  upstream.setFile('/app-2.0.0.tgz', young);
  upstream.setFile('/app%2D2.0.0.tgz', young);
  upstream.setFile('/app-2.0.0%2Etgz', young);
  const repoUrl = await serveCharts(t, upstream.url);
  t.is((await fetch(`${repoUrl}/index.yaml`)).status, 200);
  for (const path of ['app-2.0.0.tgz', 'app%2D2.0.0.tgz', 'app-2.0.0%2Etgz', 'app-2.0.0%2etgz']) {
    const res = await fetch(`${repoUrl}/${path}`);
    await res.arrayBuffer();
    t.is(res.status, 451, path);
  }
  t.deepEqual(upstream.requests.map((r) => r.path), ['/index.yaml']);
});
