import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { npmProject } from './npm-cli.js';
import { startFixtureRegistry } from './npm-fixture-registry.js';

const OLD = new Date('2023-05-01T12:00:00Z');

test('with quarantine_days: 2, npm installs the older version and the young tarball is refused with 451', async (t) => {
  const young = new Date();
  const registry = await startFixtureRegistry(t, [
    { name: 'app', version: '1.0.0', published: OLD, dependencies: { lib: '^1.0.0' } },
    { name: 'lib', version: '1.0.0', published: OLD, files: { 'index.js': 'module.exports = "old";\n' } },
    { name: 'lib', version: '1.1.0', published: young, files: { 'index.js': 'module.exports = "young";\n' } },
  ]);
  t.is(registry.packument('lib')['dist-tags'].latest, '1.1.0', 'upstream latest is the young version');
  const dir = await tempDir(t);
  const config = await writeConfig(dir, `remotes:\n  npmjs: { type: remote, package: npm, base_url: '${registry.upstream.url}', quarantine_days: 2 }\n`);
  const proc = await startServe(t, { config });
  const api = `${proc.url}/api/v1/remote/npmjs`;

  const project = await npmProject(t, { app: '^1.0.0' });
  const result = await project.npm(['install', `--registry=${api}/`, '--prefer-online']);
  t.is(result.code, 0, result.stderr);
  const lib = JSON.parse(await readFile(join(project.dir, 'node_modules/lib/package.json'), 'utf8')) as { version: string };
  t.is(lib.version, '1.0.0');

  const packument = (await (await fetch(`${api}/lib`)).json()) as { 'dist-tags': Record<string, string>; versions: Record<string, unknown>; time: Record<string, string> };
  t.deepEqual(packument['dist-tags'], { latest: '1.0.0' });
  t.deepEqual(Object.keys(packument.versions), ['1.0.0']);
  t.false('1.1.0' in packument.time);

  const refused = await fetch(`${api}${registry.tarballPath('lib', '1.1.0')}`);
  t.is(refused.status, 451);
  // pnpm and pip print the status line, not the body
  t.regex(refused.statusText, /^AAPI_ERR_QUARANTINED: Quarantined: lib@1\.1\.0/);
  // npm's error shape (npm prints `error` only when it is a string)
  const error = (await refused.json()) as { error: string; code: string; message: string };
  t.is(error.error, `${error.code}: ${error.message}`);
  t.is(error.code, 'AAPI_ERR_QUARANTINED');
  t.true(error.message.includes('lib@1.1.0'), error.message);
  const availableDay = new Date(young.getTime() + 2 * 86_400_000).toISOString().slice(0, 10);
  t.true(error.message.includes(availableDay), error.message);
  t.is(registry.upstream.hits(registry.tarballPath('lib', '1.1.0')), 0, 'a quarantined tarball is never fetched');
});
