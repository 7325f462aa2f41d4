import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { cliEnv } from './cli-env.js';
import { CLI } from './paths.js';

/** A child `artifactapi` whose output is collected as it arrives. */
export interface CliChild {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Everything written to stdout so far. */
  stdout(): string;
  stderr(): string;
}

/**
 * Spawns `artifactapi ARGS…` the way the e2e tests run it: {@link cliEnv}, no stdin, output kept.
 * `cli` is another copy of the command, e.g. an installed package's bin; default: this checkout's.
 */
export function spawnCli(args: readonly string[], options: { cwd?: string; env?: Record<string, string>; cli?: string } = {}): CliChild {
  const child = spawn(process.execPath, [options.cli ?? CLI, ...args], {
    cwd: options.cwd,
    env: cliEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return { child, stdout: () => stdout, stderr: () => stderr };
}
