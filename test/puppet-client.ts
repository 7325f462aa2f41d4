import { execFile, execFileSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import test, { type ExecutionContext } from 'ava';
import type { Teardown } from './helpers/teardown.js';
import { tempDir } from './helpers/temp-dir.js';

const run = promisify(execFile);

export const PUPPET_BIN = process.env.PUPPET_BIN ?? 'puppet';

/** Why the puppet client cannot run here, or undefined when it can. */
function missingClient(): string | undefined {
  try {
    execFileSync(PUPPET_BIN, ['--version'], { stdio: 'pipe', timeout: 60_000 });
    return undefined;
  } catch (err) {
    return `${PUPPET_BIN} --version failed: ${(err as Error).message.split('\n')[0]}`;
  }
}

const missing = missingClient();

/**
 * `test` when the puppet client is installed. Without it, the tests are skipped with the reason
 * on a laptop, but fail under ARTIFACTAPI_REQUIRE_SERVICES=1 (.ci/run installs Debian's `puppet`),
 * so a CI run cannot pass by skipping.
 */
export const puppetTest: (title: string, fn: (t: ExecutionContext) => Promise<void>) => void =
  missing === undefined
    ? (title, fn) => test(title, fn)
    : process.env.ARTIFACTAPI_REQUIRE_SERVICES === '1'
      ? (title) => test(title, (t) => t.fail(`the puppet client is required (ARTIFACTAPI_REQUIRE_SERVICES=1): ${missing}`))
      : (title, fn) => test.skip(`${title} (no puppet client: ${missing})`, fn);

/** A throwaway puppet home: every directory puppet would read or write lives under one temp dir. */
export interface PuppetHome {
  root: string;
  modules: string;
}

export async function puppetHome(t: Teardown): Promise<PuppetHome> {
  const root = await tempDir(t, 'aapi-puppet-');
  for (const dir of ['code/environments', 'conf', 'var', 'log', 'run', 'modules']) await mkdir(join(root, dir), { recursive: true });
  return { root, modules: join(root, 'modules') };
}

/**
 * `puppet module install MODULE --module_repository REPO` with every path of puppet's
 * (codedir, confdir, vardir, …) under the home, so nothing on the machine is read or touched.
 * Resolves with the output; rejects with it when puppet fails.
 */
export async function puppetModuleInstall(home: PuppetHome, module: string, repository: string, extra: string[] = []): Promise<string> {
  const dirs = [
    `--codedir=${join(home.root, 'code')}`,
    `--environmentpath=${join(home.root, 'code/environments')}`,
    `--confdir=${join(home.root, 'conf')}`,
    `--vardir=${join(home.root, 'var')}`,
    `--logdir=${join(home.root, 'log')}`,
    `--rundir=${join(home.root, 'run')}`,
    `--modulepath=${home.modules}`,
  ];
  const args = ['module', 'install', module, '--color=false', `--module_repository=${repository}`, `--target-dir=${home.modules}`, ...dirs, ...extra];
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home.root };
  for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) delete env[name];
  try {
    const { stdout, stderr } = await run(PUPPET_BIN, args, { env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
    return stdout + stderr;
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`puppet ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

/** The version of an installed module, from its metadata.json. */
export async function installedVersion(home: PuppetHome, name: string): Promise<string> {
  const metadata = JSON.parse(await readFile(join(home.modules, name, 'metadata.json'), 'utf8')) as { version: string };
  return metadata.version;
}
