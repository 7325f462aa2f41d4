import test from 'ava';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { startFixtureRegistry } from './npm-fixture-registry.js';

test('every spelling of a scoped name is one cache entry, fetched upstream once as @scope%2fname', async (t) => {
  const registry = await startFixtureRegistry(t, [{ name: '@scope/c', version: '1.0.0', published: new Date('2022-02-02T00:00:00Z') }]);
  const dir = await tempDir(t);
  const config = await writeConfig(dir, `remotes:\n  npmjs: { type: remote, package: npm, base_url: '${registry.upstream.url}' }\n`);
  const proc = await startServe(t, { config });
  const api = `${proc.url}/api/v1/remote/npmjs`;

  const bodies: string[] = [];
  for (const spelling of ['@scope%2fc', '@scope%2Fc', '@scope/c', '%40scope%2fc', '@scope/c/']) {
    const res = await fetch(`${api}/${spelling}`, { headers: { accept: 'application/json' } });
    t.is(res.status, 200, spelling);
    bodies.push(await res.text());
  }
  t.is(new Set(bodies).size, 1, 'the same document whatever the spelling');
  t.is(registry.upstream.hits('/@scope%2fc'), 1);
  t.is(registry.upstream.requests.length, 1);

  const doc = JSON.parse(bodies[0]!) as { versions: Record<string, { dist: { tarball: string } }> };
  const tarball = doc.versions['1.0.0']!.dist.tarball;
  t.is(tarball, `${api}/@scope/c/-/c-1.0.0.tgz`);
  for (const url of [tarball, `${api}/@scope%2fc/-/c-1.0.0.tgz`]) {
    const res = await fetch(url);
    t.is(res.status, 200, url);
    await res.arrayBuffer();
  }
  t.is(registry.upstream.hits('/@scope/c/-/c-1.0.0.tgz'), 1);
});
