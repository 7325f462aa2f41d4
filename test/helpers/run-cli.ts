import { spawnCli } from './spawn-cli.js';

export interface CliResult {
  /** Exit code, or null when the command was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunCliOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Kill the command after this long; a hang is a failure, not a stuck test run. */
  timeoutMs?: number;
}

/** Runs `artifactapi ARGS…` to completion and collects its output. */
export async function runCli(args: readonly string[], options: RunCliOptions = {}): Promise<CliResult> {
  const { child, stdout, stderr } = spawnCli(args, options);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => resolve(exitCode));
  });
  clearTimeout(timer);
  return { code, stdout: stdout(), stderr: stderr() };
}
