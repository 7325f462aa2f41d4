import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from './helpers/paths.js';
import { tempDir } from './helpers/temp-dir.js';
import type { Teardown } from './helpers/teardown.js';

export interface NpmResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A project folder with a package.json, its own npm cache and an empty user config. */
export interface NpmProject {
  dir: string;
  cache: string;
  /** Runs `npm ARGS…` in the project with only this project's settings. */
  npm(args: readonly string[], timeoutMs?: number): Promise<NpmResult>;
  /** Runs pnpm (the root devDependency) the same way, with its own store. */
  pnpm(args: readonly string[], timeoutMs?: number): Promise<NpmResult>;
  /** Runs yarn classic (the root devDependency) the same way, with its own cache. */
  yarn(args: readonly string[], timeoutMs?: number): Promise<NpmResult>;
}

// pnpm and yarn are devDependencies, so they are always there: no skipping when one is missing.
// pnpm's exports map hides even its package.json, so its bin is found in the root node_modules.
const PNPM = join(REPO_ROOT, 'node_modules', 'pnpm', 'bin', 'pnpm.cjs');
const YARN = join(REPO_ROOT, 'node_modules', 'yarn', 'bin', 'yarn.js');

/**
 * The environment for the npm CLI: no npm_config_* inherited from an `npm test` run or the
 * developer's shell, no ~/.npmrc, no update check (it would ask the registry for `npm`).
 */
function npmEnv(userconfig: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(name) && !/^(https?|no)_proxy$/i.test(name)) env[name] = value;
  }
  return { ...env, npm_config_userconfig: userconfig, npm_config_update_notifier: 'false', npm_config_fund: 'false' };
}

/** Creates a fresh project depending on `dependencies`, with a fresh npm cache. */
export async function npmProject(t: Teardown, dependencies: Record<string, string>): Promise<NpmProject> {
  const root = await tempDir(t, 'aapi-npm-');
  const dir = join(root, 'project');
  const cache = join(root, 'cache');
  const userconfig = join(root, 'npmrc');
  await mkdir(dir);
  await writeFile(userconfig, '');
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'fixture-project', version: '1.0.0', private: true, dependencies }, null, 2));
  const env = npmEnv(userconfig);
  return {
    dir,
    cache,
    npm: (args, timeoutMs = 120_000) => run('npm', [...args, '--cache', cache], dir, env, timeoutMs),
    pnpm: (args, timeoutMs = 120_000) =>
      run(process.execPath, [PNPM, ...args, '--store-dir', join(root, 'pnpm-store'), '--cache-dir', join(root, 'pnpm-cache')], dir, env, timeoutMs),
    yarn: (args, timeoutMs = 120_000) =>
      run(process.execPath, [YARN, ...args, '--cache-folder', join(root, 'yarn-cache'), '--non-interactive', '--no-progress'], dir, env, timeoutMs),
  };
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<NpmResult> {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
