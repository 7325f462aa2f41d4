import test from 'ava';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { npmProject, type NpmResult } from './npm-cli.js';
import { startFixtureRegistry } from './npm-fixture-registry.js';

// npm, pnpm and yarn each print a registry error their own way (npm and yarn the body's `error`
// when it is a string, pnpm only the status line): each must show the product's code and why.

const OLD = new Date('2023-05-01T12:00:00Z');

async function deniedProxy(t: Parameters<typeof startFixtureRegistry>[0]) {
  const registry = await startFixtureRegistry(t, [{ name: 'denied-pkg', version: '1.0.0', published: OLD }]);
  const config = await writeConfig(
    await tempDir(t),
    `log: { level: warn }\nremotes:\n  npmjs: { type: remote, package: npm, base_url: '${registry.upstream.url}', blocklist: ['^denied-pkg'] }\n`,
  );
  const proc = await startServe(t, { config });
  return { registry, url: `${proc.url}/api/v1/remote/npmjs/` };
}

function assertExplained(t: { is(a: unknown, b: unknown, m?: string): void; regex(s: string, r: RegExp, m?: string): void; notRegex(s: string, r: RegExp, m?: string): void }, result: NpmResult) {
  const output = result.stdout + result.stderr;
  t.is(result.code === 0, false, output);
  t.regex(output, /AAPI_ERR_PATH_DENIED/, output);
  t.regex(output, /denied-pkg \(blocklisted\)/, output);
  t.notRegex(output, /\[object Object\]/, output);
}

test('npm shows the code and reason of a 403, not [object Object]', async (t) => {
  const { registry, url } = await deniedProxy(t);
  const project = await npmProject(t, { 'denied-pkg': '^1.0.0' });
  assertExplained(t, await project.npm(['install', `--registry=${url}`]));
  t.is(registry.upstream.hits(registry.packumentPath('denied-pkg')), 0);
});

test('pnpm shows the code and reason of a 403', async (t) => {
  const { url } = await deniedProxy(t);
  const project = await npmProject(t, { 'denied-pkg': '^1.0.0' });
  assertExplained(t, await project.pnpm(['install', `--registry=${url}`]));
});

test('yarn (classic) shows the code and reason of a 403', async (t) => {
  const { url } = await deniedProxy(t);
  const project = await npmProject(t, { 'denied-pkg': '^1.0.0' });
  assertExplained(t, await project.yarn(['install', `--registry=${url}`]));
});
