import test from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { pluginProject } from './helpers/plugin-project.js';
import { runCli } from './helpers/run-cli.js';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';

const BROKEN = ['artifactapi-plugin-acme-v2', 'artifactapi-plugin-acme-explodes'];

/** The table rows of `artifactapi plugins`, keyed by type. */
function pluginRows(stdout: string): Map<string, string[]> {
  const table = stdout.split('\n\n')[0]!.split('\n').slice(1);
  return new Map(table.filter((l) => l.trim() !== '').map((l) => l.trim().split(/\s{2,}/)).map((cells) => [cells[0]!, cells]));
}

test('plugins lists the built-in generic type', async (t) => {
  const result = await runCli(['plugins'], { cwd: await tempDir(t) });
  t.is(result.code, 0, result.stdout + result.stderr);
  t.deepEqual(pluginRows(result.stdout).get('generic')?.slice(1), ['@artifactapi/core (built-in)', '0.1.0', '1']);
});

test('plugins finds a third-party package in the working directory node_modules', async (t) => {
  const project = await pluginProject(t, ['artifactapi-plugin-acme']);
  const result = await runCli(['plugins'], { cwd: project });
  t.is(result.code, 0, result.stdout + result.stderr);
  const rows = pluginRows(result.stdout);
  t.deepEqual(rows.get('acme'), ['acme', 'artifactapi-plugin-acme', '4.5.6', '1']);
  t.true(rows.has('generic'));
});

test('plugins exits 1 naming each broken package, and still lists the good one', async (t) => {
  const project = await pluginProject(t, ['artifactapi-plugin-acme', ...BROKEN]);
  const result = await runCli(['plugins'], { cwd: project });
  t.is(result.code, 1);
  t.true(pluginRows(result.stdout).has('acme'));
  const problems = result.stdout.slice(result.stdout.indexOf('Problems'));
  t.regex(problems, /artifactapi-plugin-acme-v2 declares apiVersion 3/);
  t.regex(problems, /artifactapi-plugin-acme-explodes: importing \.\/index\.js failed: acme-explodes: native widget library not found/);
  t.false(pluginRows(result.stdout).has('acme-v2'));
});

test('serve loads a third-party plugin beside broken ones and serves its repository through it', async (t) => {
  const upstream = await startUpstream({
    files: {
      '/widgets/bolts/m6.bin': 'm6 bolt bytes',
      '/widgets/deny/secret.bin': 'must never be fetched',
      '/widgets/catalog.json': '{"widgets":["m6"]}',
    },
  });
  t.teardown(() => upstream.close());
  const project = await pluginProject(t, ['artifactapi-plugin-acme', ...BROKEN]);
  const config = await writeConfig(
    project,
    `
log: { level: warn }
remotes:
  widgets:
    type: remote
    package: acme
    base_url: ${upstream.url}
`,
  );
  const proc = await startServe(t, { config, cwd: project });
  const base = `${proc.url}/api/v1/remote/widgets`;

  const denied = await fetch(`${base}/deny/secret.bin`);
  t.is(denied.status, 403);
  t.regex(((await denied.json()) as { error: { message: string } }).error.message, /acme never serves deny\//);
  t.is(upstream.hits('/widgets/deny/secret.bin'), 0);

  // The acme upstreamUrl hook maps the path under /widgets/ on the upstream.
  const first = await fetch(`${base}/bolts/m6.bin`);
  t.is(first.status, 200);
  t.is(await first.text(), 'm6 bolt bytes');
  t.is(first.headers.get('x-artifact-cache'), 'MISS');
  const second = await fetch(`${base}/bolts/m6.bin`);
  t.is(await second.text(), 'm6 bolt bytes');
  t.is(second.headers.get('x-artifact-source'), 'cache');
  t.is(upstream.hits('/widgets/bolts/m6.bin', 'GET'), 1);

  const catalog = await fetch(`${base}/catalog.json`);
  t.is(catalog.status, 200);
  t.deepEqual(await catalog.json(), { widgets: ['m6'] });

  // The broken packages are reported, not fatal.
  const health = (await (await fetch(`${proc.url}/health`)).json()) as { plugins: { loaded: string[]; problems: { packageName: string }[] } };
  t.true(health.plugins.loaded.includes('acme'));
  t.deepEqual(health.plugins.problems.map((p) => p.packageName).sort(), [...BROKEN].sort());
});

test('an apiVersion 2 plugin: check-config checks its keys by path, and serve mounts its routes over the engine', async (t) => {
  const upstream = await startUpstream({ files: { '/top/hammer.bin': 'hammer bytes' } });
  t.teardown(() => upstream.close());
  const project = await pluginProject(t, ['artifactapi-plugin-acme', 'artifactapi-plugin-shelf']);
  const bad = await writeConfig(
    project,
    `remotes:\n  tools: { type: remote, package: shelf, base_url: ${upstream.url}, shelf: "Top", colour: red }\n  widgets: { type: remote, package: acme, base_url: ${upstream.url}, anything: goes }\n`,
  );
  const checked = await runCli(['check-config', bad], { cwd: project });
  t.is(checked.code, 1, checked.stdout + checked.stderr);
  t.regex(checked.stderr, /remotes\.tools\.shelf must be a lower-case word, got "Top"/);
  t.regex(checked.stderr, /unknown key remotes\.tools\.colour \(neither a repository key nor an option of the shelf plugin\)/);
  t.notRegex(checked.stderr, /anything/, 'an apiVersion 1 plugin keeps unknown keys allowed');

  const config = await writeConfig(project, `log: { level: warn }\nremotes:\n  tools: { type: remote, package: shelf, base_url: ${upstream.url}, shelf: top }\n`);
  const proc = await startServe(t, { config, cwd: project });
  const first = await fetch(`${proc.url}/shelf-api/tools/hammer.bin`);
  t.is(first.status, 200);
  t.is(await first.text(), 'hammer bytes');
  t.is(first.headers.get('x-shelf'), 'yes');
  t.is(first.headers.get('x-artifact-source'), 'remote');
  const second = await fetch(`${proc.url}/shelf-api/tools/hammer.bin`);
  t.is(second.headers.get('x-artifact-cache'), 'HIT');
  t.is(upstream.hits('/top/hammer.bin', 'GET'), 1);
  // The same repository through the core's own URL shares the cache entry.
  t.is((await fetch(`${proc.url}/api/v1/remote/tools/items/hammer.bin`)).headers.get('x-artifact-source'), 'cache');
  const missing = await fetch(`${proc.url}/shelf-api/nowhere/x.bin`);
  t.is(missing.status, 404);
  t.deepEqual(await missing.json(), { shelfError: 'AAPI_ERR_REPO_NOT_FOUND' }, "the plugin's own error format");
});
