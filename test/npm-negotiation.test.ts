import test from 'ava';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { startFixtureRegistry } from './npm-fixture-registry.js';

const NPM_ACCEPT = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*';

test('npm gets the abbreviated packument and other clients the full one, both from one full upstream fetch', async (t) => {
  const registry = await startFixtureRegistry(t, [
    { name: 'pkg', version: '1.0.0', published: new Date('2022-03-03T00:00:00Z'), dependencies: { dep: '^2.0.0' } },
  ]);
  const dir = await tempDir(t);
  const config = await writeConfig(dir, `remotes:\n  npmjs: { type: remote, package: npm, base_url: '${registry.upstream.url}' }\n`);
  const proc = await startServe(t, { config });
  const url = `${proc.url}/api/v1/remote/npmjs/pkg`;

  const corgi = await fetch(url, { headers: { accept: NPM_ACCEPT } });
  t.is(corgi.status, 200);
  t.is(corgi.headers.get('content-type'), 'application/vnd.npm.install-v1+json');
  t.regex(corgi.headers.get('vary') ?? '', /accept/i);
  const abbreviated = (await corgi.json()) as Record<string, unknown> & { versions: Record<string, Record<string, unknown>> };
  t.false('time' in abbreviated);
  t.like(abbreviated.versions['1.0.0'], { name: 'pkg', version: '1.0.0', dependencies: { dep: '^2.0.0' } });
  t.false('_id' in abbreviated.versions['1.0.0']!);

  const full = await fetch(url, { headers: { accept: 'application/json' } });
  t.is(full.headers.get('content-type'), 'application/json');
  const document = (await full.json()) as { time: Record<string, string> };
  t.is(document.time['1.0.0'], '2022-03-03T00:00:00.000Z');
  t.not(full.headers.get('etag'), corgi.headers.get('etag'), 'each representation has its own ETag');

  t.is(registry.upstream.requests.length, 1);
  t.is(registry.upstream.requests[0]!.headers.accept, 'application/json', 'the full document is what is fetched and stored');
});
