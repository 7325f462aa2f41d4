import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { npmProject, type NpmProject } from './npm-cli.js';
import { startFixtureRegistry } from './npm-fixture-registry.js';

const OLD = new Date('2021-03-01T10:00:00Z');
const LATER = new Date('2021-06-01T10:00:00Z');

async function installedVersion(project: NpmProject, name: string): Promise<string> {
  const manifest = JSON.parse(await readFile(join(project.dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

test('npm installs a dependency tree with a scoped package through the proxy, then again with the upstream gone', async (t) => {
  const registry = await startFixtureRegistry(t, [
    { name: 'a', version: '1.0.0', published: OLD, dependencies: { b: '^1.0.0', '@scope/c': '^1.0.0' }, files: { 'index.js': 'module.exports = "a";\n' } },
    { name: 'b', version: '1.0.0', published: OLD, files: { 'index.js': 'module.exports = "b1.0";\n' } },
    { name: 'b', version: '1.1.0', published: LATER, files: { 'index.js': 'module.exports = "b1.1";\n' } },
    { name: '@scope/c', version: '1.0.0', published: OLD, files: { 'index.js': 'module.exports = "c";\n' } },
  ]);
  const dir = await tempDir(t);
  // mutable_ttl 1: by the second install every packument has expired and must be revalidated.
  const config = await writeConfig(
    dir,
    `
remotes:
  npmjs:
    type: remote
    package: npm
    base_url: ${registry.upstream.url}
    cache: { mutable_ttl: 1 }
`,
  );
  const proc = await startServe(t, { config });
  const registryUrl = `${proc.url}/api/v1/remote/npmjs/`;

  // No --no-audit: the audit POST npm sends at the end must not fail the install.
  const first = await npmProject(t, { a: '^1.0.0' });
  const installed = await first.npm(['install', `--registry=${registryUrl}`, '--prefer-online']);
  t.is(installed.code, 0, installed.stderr);
  // npm did send its audit; core has no POST route, so it got a 4xx, which npm treats as "no audit".
  t.true(
    proc.logLines().some((l) => l.method === 'POST' && String(l.url).includes('/-/npm/v1/security/')),
    'npm sent an audit request',
  );
  t.is(await installedVersion(first, 'a'), '1.0.0');
  t.is(await installedVersion(first, 'b'), '1.1.0');
  t.is(await installedVersion(first, '@scope/c'), '1.0.0');
  t.is(await readFile(join(first.dir, 'node_modules/@scope/c/index.js'), 'utf8'), 'module.exports = "c";\n');
  // The lockfile records the proxy, not the upstream, as where each tarball came from.
  const lock = JSON.parse(await readFile(join(first.dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved?: string }> };
  t.is(lock.packages['node_modules/@scope/c']?.resolved, `${registryUrl}@scope/c/-/c-1.0.0.tgz`);
  t.is(lock.packages['node_modules/b']?.resolved, `${registryUrl}b/-/b-1.1.0.tgz`);
  t.is(registry.upstream.hits(registry.tarballPath('b', '1.0.0')), 0, 'only the resolved version is downloaded');

  await registry.upstream.close();
  await sleep(1_100); // past mutable_ttl
  const second = await npmProject(t, { a: '^1.0.0' });
  const offline = await second.npm(['install', `--registry=${registryUrl}`, '--prefer-online']);
  t.is(offline.code, 0, offline.stderr);
  t.is(await installedVersion(second, 'b'), '1.1.0');
  t.is(await readFile(join(second.dir, 'node_modules/@scope/c/index.js'), 'utf8'), 'module.exports = "c";\n');

  await sleep(1_100); // the stale answers above refreshed the expiry
  const packument = await fetch(`${registryUrl}@scope%2fc`, { headers: { accept: 'application/vnd.npm.install-v1+json' } });
  t.is(packument.status, 200);
  t.is(packument.headers.get('x-artifact-cache'), 'STALE');
  await packument.arrayBuffer();
});
