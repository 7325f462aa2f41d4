import test from 'ava';
import { cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { checkClassifications } from '@artifactapi/plugin-sdk/testkit';
import type { PluginLogger } from '@artifactapi/plugin-sdk';
import { discoverPlugins, formatPluginList, PluginRegistry } from '../src/plugins/index.js';
import type { DiscoveryResult, LoadedPlugin, PluginProblem } from '../src/plugins/index.js';
import { fixturePlugin, pluginSandbox } from './helpers/plugin-sandbox.js';

const BROKEN = [
  'artifactapi-plugin-bad-manifest',
  'artifactapi-plugin-fixture-dup',
  'artifactapi-plugin-future',
  'artifactapi-plugin-generic-dup',
  'artifactapi-plugin-not-a-plugin',
  'artifactapi-plugin-throws',
  'artifactapi-plugin-unbuilt',
];
const GOOD = ['artifactapi-plugin-fixture', '@acme/artifactapi-plugin-scoped'];

interface LogEntry {
  level: keyof PluginLogger;
  obj: object;
  msg: string | undefined;
}

function recordingLog(): PluginLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: keyof PluginLogger) => (obj: object, msg?: string) => void entries.push({ level, obj, msg });
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Only what lies in the sandbox, in case a node_modules above the temp directory holds plugins too. */
function within(root: string, result: DiscoveryResult): { plugins: LoadedPlugin[]; problems: PluginProblem[] } {
  const inside = (dir: string) => dir.startsWith(root + sep);
  return { plugins: result.plugins.filter((p) => inside(p.dir)), problems: result.problems.filter((p) => inside(p.dir)) };
}

function importedFixtures(): string[] {
  return (globalThis as { __aapiFixtureImported?: string[] }).__aapiFixtureImported ?? [];
}

test('a third-party plugin and a scoped plugin load from node_modules', async (t) => {
  const root = await pluginSandbox(t, GOOD);
  const { plugins, problems } = within(root, await discoverPlugins({ searchFrom: [root], log: recordingLog() }));
  t.deepEqual(problems, []);
  t.deepEqual(
    plugins.map((p) => [p.type, p.packageName, p.version, p.apiVersion, p.builtin]),
    [
      ['scoped', '@acme/artifactapi-plugin-scoped', '0.4.0', 1, false],
      ['fixture', 'artifactapi-plugin-fixture', '1.2.3', 1, false],
    ],
  );
  const fixture = plugins.find((p) => p.type === 'fixture')!;
  t.is(fixture.dir, join(root, 'node_modules', 'artifactapi-plugin-fixture'));
  t.deepEqual(
    checkClassifications(fixture.plugin, [
      { path: 'releases/app-1.0.tgz', cache: 'immutable' },
      { path: 'meta/app.json', cache: 'mutable', index: 'fixture-meta' },
      { path: 'secret/key', cache: 'deny' },
    ]),
    [],
  );
  const scoped = plugins.find((p) => p.type === 'scoped')!;
  const ctx = { repo: { name: 'r', kind: 'remote' as const, package: 'scoped', baseUrl: 'https://u.example', options: {} }, log: recordingLog() };
  t.is(scoped.plugin.upstreamUrl('a/b', ctx), 'https://u.example/scoped/a/b');
});

test('each broken plugin package is reported by name and discovery does not throw', async (t) => {
  const root = await pluginSandbox(t, [...GOOD, ...BROKEN, 'plain-library']);
  const { plugins, problems } = within(root, await discoverPlugins({ searchFrom: [root], log: recordingLog() }));

  t.deepEqual(plugins.map((p) => p.type).sort(), ['fixture', 'scoped']);
  t.is(plugins.find((p) => p.type === 'fixture')!.packageName, 'artifactapi-plugin-fixture', 'the first package found keeps the type');
  t.deepEqual(problems.map((p) => p.packageName).sort(), BROKEN);

  const message = (name: string) => problems.find((p) => p.packageName === name)!.message;
  t.is(message('artifactapi-plugin-future'), 'package artifactapi-plugin-future declares apiVersion 3; this ArtifactAPI supports 1 and 2');
  t.regex(message('artifactapi-plugin-throws'), /artifactapi-plugin-throws.*fixture exploded at import/);
  t.regex(message('artifactapi-plugin-generic-dup'), /artifactapi-plugin-generic-dup.*"generic".*@artifactapi\/core/);
  t.regex(message('artifactapi-plugin-fixture-dup'), /artifactapi-plugin-fixture-dup.*"fixture".*already registered by package artifactapi-plugin-fixture /);
  t.regex(message('artifactapi-plugin-not-a-plugin'), /artifactapi-plugin-not-a-plugin.*not a plugin made with definePlugin.*apiVersion/);
  t.regex(message('artifactapi-plugin-unbuilt'), /artifactapi-plugin-unbuilt.*importing \.\/dist\/index\.js failed/);
  t.regex(message('artifactapi-plugin-bad-manifest'), /artifactapi-plugin-bad-manifest.*apiVersion" must be an integer, got "1"/);
  for (const p of problems) t.is(p.dir, join(root, 'node_modules', p.packageName));

  // Refused before import, and non-plugins are never imported at all.
  for (const name of ['artifactapi-plugin-future', 'artifactapi-plugin-bad-manifest', 'plain-library']) {
    t.false(importedFixtures().includes(name), `${name} was imported`);
  }
});

test('discovery walks up from a subdirectory to the project node_modules', async (t) => {
  const root = await pluginSandbox(t, ['artifactapi-plugin-fixture']);
  const deep = join(root, 'src', 'a', 'b');
  await mkdir(deep, { recursive: true });
  const { plugins } = within(root, await discoverPlugins({ searchFrom: [deep], log: recordingLog() }));
  t.deepEqual(plugins.map((p) => p.type), ['fixture']);
});

test('a symlinked workspace package is followed and reported by its real directory', async (t) => {
  const root = await pluginSandbox(t, []);
  const workspace = join(root, 'packages', 'scoped');
  await cp(fixturePlugin('@acme/artifactapi-plugin-scoped'), workspace, { recursive: true });
  await mkdir(join(root, 'node_modules', '@acme'));
  await symlink(workspace, join(root, 'node_modules', '@acme', 'artifactapi-plugin-scoped'), 'dir');
  const { plugins, problems } = within(root, await discoverPlugins({ searchFrom: [root], log: recordingLog() }));
  t.deepEqual(problems, []);
  t.deepEqual(plugins.map((p) => [p.type, p.packageName, p.dir]), [['scoped', '@acme/artifactapi-plugin-scoped', workspace]]);
});

test('a package reached from two start directories and through a second link loads once', async (t) => {
  const root = await pluginSandbox(t, ['artifactapi-plugin-fixture']);
  await symlink(join(root, 'node_modules', 'artifactapi-plugin-fixture'), join(root, 'node_modules', 'fixture-alias'), 'dir');
  await mkdir(join(root, 'app'));
  const { plugins, problems } = within(root, await discoverPlugins({ searchFrom: [join(root, 'app'), root], log: recordingLog() }));
  t.deepEqual(problems, []);
  t.deepEqual(plugins.map((p) => p.packageName), ['artifactapi-plugin-fixture']);
});

test('a nearer copy of a plugin package shadows a farther one without a problem', async (t) => {
  const root = await pluginSandbox(t, ['artifactapi-plugin-fixture']);
  const nearer = join(root, 'app', 'node_modules', 'artifactapi-plugin-fixture');
  await cp(fixturePlugin('artifactapi-plugin-fixture'), nearer, { recursive: true });
  const pkg = JSON.parse(await readFile(join(nearer, 'package.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(join(nearer, 'package.json'), JSON.stringify({ ...pkg, version: '9.9.9' }));
  const log = recordingLog();
  const { plugins, problems } = within(root, await discoverPlugins({ searchFrom: [join(root, 'app')], log }));
  t.deepEqual(problems, []);
  t.deepEqual(plugins.map((p) => [p.type, p.version, p.dir]), [['fixture', '9.9.9', nearer]]);
  t.true(log.entries.some((e) => e.level === 'debug' && /shadowed/.test(e.msg ?? '')));
});

test('the registry serves generic built in, the loaded plugins, and logs every problem', async (t) => {
  const root = await pluginSandbox(t, [...GOOD, ...BROKEN]);
  const log = recordingLog();
  const registry = await PluginRegistry.load({ searchFrom: [root], log });

  const generic = registry.get('generic')!;
  t.is(generic.builtin, true);
  t.is(generic.packageName, '@artifactapi/core');
  t.is(registry.get('fixture')?.packageName, 'artifactapi-plugin-fixture');
  t.is(registry.get('scoped')?.version, '0.4.0');
  t.is(registry.get('nope'), undefined);
  t.is(registry.list()[0]!.type, 'generic');

  const ours = registry.problems.filter((p) => p.dir.startsWith(root + sep));
  t.deepEqual(ours.map((p) => p.packageName).sort(), BROKEN);
  const errors = log.entries.filter((e) => e.level === 'error');
  for (const problem of ours) {
    t.true(errors.some((e) => (e.obj as { package?: string }).package === problem.packageName && e.msg === problem.message), problem.packageName);
  }
  const infos = log.entries.filter((e) => e.level === 'info').map((e) => (e.obj as { type?: string }).type);
  for (const type of ['generic', 'fixture', 'scoped']) t.true(infos.includes(type), `no info log for ${type}`);
});

test('the plugin list shows type, package, version and apiVersion, then the problems', async (t) => {
  const root = await pluginSandbox(t, [...GOOD, 'artifactapi-plugin-future']);
  const registry = await PluginRegistry.load({ searchFrom: [root], log: recordingLog() });
  const text = formatPluginList(registry);
  const lines = text.split('\n');
  t.regex(lines[0]!, /^TYPE\s+PACKAGE\s+VERSION\s+API$/);
  t.regex(text, /^generic\s+@artifactapi\/core \(built-in\)\s+\d+\.\d+\.\d+\s+1$/m);
  t.regex(text, /^fixture\s+artifactapi-plugin-fixture\s+1\.2\.3\s+1$/m);
  t.regex(text, /^scoped\s+@acme\/artifactapi-plugin-scoped\s+0\.4\.0\s+1$/m);
  t.regex(text, /^Problems \(\d+ packages? not loaded\):$/m);
  t.regex(text, /^ {2}- package artifactapi-plugin-future declares apiVersion 3; this ArtifactAPI supports 1 and 2\n {4}in .*artifactapi-plugin-future$/m);
  // Columns line up: every row starts its package column where the header does.
  const column = lines[0]!.indexOf('PACKAGE');
  for (const row of lines.slice(1, 1 + registry.list().length)) {
    t.is(row[column - 1], ' ', row);
    t.not(row[column], ' ', row);
  }
});

test('the plugin list has no problem section when every package loaded', (t) => {
  const text = formatPluginList({ list: () => [], problems: [] });
  t.is(text, 'TYPE  PACKAGE  VERSION  API\n');
});

test('the registry loads from the default search paths without throwing', async (t) => {
  const registry = await PluginRegistry.load({ log: recordingLog() });
  t.is(registry.get('generic')?.builtin, true);
});
