import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
}

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
  return {
    dir,
    cache,
    npm: (args, timeoutMs = 120_000) => runNpm([...args, '--cache', cache], dir, npmEnv(userconfig), timeoutMs),
  };
}

function runNpm(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<NpmResult> {
  const child = spawn('npm', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
