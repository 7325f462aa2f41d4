import test from 'ava';
import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { INSTALL_FLAGS, npm, packPackages } from './helpers/packed-packages.js';
import { REPO_ROOT } from './helpers/paths.js';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';

// What a plugin author does with nothing but the packed packages and the docs (README.md
// "Plugins", plugins/_template/README.md): start from the template outside this repository,
// install the SDK tarball, build, then run a packed host with the plugin installed next to it.

const execFileAsync = promisify(execFile);

test('a plugin made from the template builds against the packed SDK and serves through a packed host', async (t) => {
  t.timeout(240_000, 'packs, three npm installs and a server');
  const work = await tempDir(t, 'aapi-packed-');
  t.false(work.startsWith(REPO_ROOT), 'the temp directory must be outside the workspace');
  const packed = await packPackages(join(work, 'packages'));
  const sdk = packed.get('@artifactapi/plugin-sdk')!;
  const core = packed.get('@artifactapi/core')!;

  // The plugin project: the template, renamed as its README says.
  const plugin = join(work, 'artifactapi-plugin-example');
  await cp(join(REPO_ROOT, 'plugins', '_template'), plugin, { recursive: true });
  const manifestFile = join(plugin, 'package.json');
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as Record<string, unknown>;
  await writeFile(manifestFile, JSON.stringify({ ...manifest, name: 'artifactapi-plugin-example', version: '1.0.0' }, null, 2));
  await npm(plugin, ['install', '--save-dev', sdk, ...INSTALL_FLAGS]);
  await npm(plugin, ['run', 'build']);
  const pluginTgz = join(plugin, JSON.parse(await npm(plugin, ['pack', '--json']))[0].filename as string);

  // The host: the packed core, its SDK from the tarball, and the plugin, as an operator installs them.
  // Nothing in it compiles: metadata lives in node:sqlite.
  const host = join(work, 'host');
  await mkdir(host);
  await writeFile(join(host, 'package.json'), JSON.stringify({ name: 'artifactapi-host', private: true }));
  await npm(host, ['install', sdk, core, pluginTgz, ...INSTALL_FLAGS]);
  const hostModules = join(host, 'node_modules');

  const listing = await npm(host, ['exec', '--no', '--', 'artifactapi', 'plugins']);
  t.regex(listing, /^example\s+artifactapi-plugin-example\s+1\.0\.0\s+2$/m);
  t.notRegex(listing, /Problems/);

  const upstream = await startUpstream({
    files: {
      '/files/tool-1.0.0.tar.gz': { body: 'tool bytes', contentType: 'application/gzip' },
      // An object store's generic type: the template classifies index.json as application/json.
      '/index.json': { body: '{"tools":["1.0.0"]}', contentType: 'application/octet-stream' },
    },
  });
  t.teardown(() => upstream.close());
  const config = await writeConfig(host, `log: { level: warn }\nremotes:\n  tools:\n    type: remote\n    package: example\n    base_url: ${upstream.url}\n`);
  const proc = await startServe(t, { config, cwd: host, cli: join(hostModules, '@artifactapi', 'core', 'bin', 'artifactapi.js') });
  const base = `${proc.url}/api/v1/remote/tools`;

  const file = await fetch(`${base}/files/tool-1.0.0.tar.gz`);
  t.is(file.status, 200);
  t.is(await file.text(), 'tool bytes');
  t.is(file.headers.get('content-type'), 'application/gzip');
  const index = await fetch(`${base}/index.json`);
  t.deepEqual(await index.json(), { tools: ['1.0.0'] });
  t.is(index.headers.get('content-type'), 'application/json');
  const denied = await fetch(`${base}/admin/users`);
  t.is(denied.status, 403);
  t.is(upstream.hits('/admin/users'), 0);

  const health = (await (await fetch(`${proc.url}/health`)).json()) as { plugins: { loaded: string[]; problems: unknown[] } };
  t.deepEqual(health.plugins, { loaded: ['generic', 'example'], problems: [] });

  // The SDK test kit's host, from the packed core, runs the same plugin from its package directory.
  const script = `
    import { startPluginHost } from '@artifactapi/core/testing/plugin-host';
    const host = await startPluginHost({ plugin: ${JSON.stringify(join(hostModules, 'artifactapi-plugin-example'))}, repos: { tools: { type: 'remote', base_url: ${JSON.stringify(upstream.url)} } } });
    const res = await fetch(host.url + '/api/v1/remote/tools/files/tool-1.0.0.tar.gz');
    console.log(res.status, await res.text());
    await host.close();`;
  const kit = await execFileAsync(process.execPath, ['--input-type=module', '-e', script], { cwd: host });
  t.is(kit.stdout.trim(), '200 tool bytes');
});
