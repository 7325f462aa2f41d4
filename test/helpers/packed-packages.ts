import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO_ROOT } from './paths.js';

const execFileP = promisify(execFile);

/**
 * This process's environment without what an enclosing `npm test` sets (npm_config_*,
 * npm_package_*, …), which would point a nested npm at this workspace.
 */
function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));
}

/** Runs `npm ARGS…` in `cwd` and returns its stdout; fails with npm's output. */
export async function npm(cwd: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await execFileP('npm', args, { cwd, env: npmEnv(), maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    throw new Error(`npm ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}${stderr ?? ''}`, { cause: err });
  }
}

/** `npm install` flags for the tests: the cache first, no audit round trip. */
export const INSTALL_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund'] as const;

/** Tarball paths of the packed packages by package name, made with `scripts/pack.mjs` from the current build. */
export async function packPackages(outDir: string): Promise<Map<string, string>> {
  const { stdout } = await execFileP(process.execPath, ['scripts/pack.mjs', '--no-build', '--json', '--out', outDir], { cwd: REPO_ROOT, env: npmEnv() });
  const packed = JSON.parse(stdout) as { name: string; file: string }[];
  return new Map(packed.map((p) => [p.name, p.file]));
}
