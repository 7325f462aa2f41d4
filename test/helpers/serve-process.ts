import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port.js';
import { spawnCli } from './spawn-cli.js';
import type { Teardown } from './teardown.js';
import { tempDir } from './temp-dir.js';

export interface ServeOptions {
  /** `--config FILE`; omitted = the bundled default config. */
  config?: string;
  /** `--data DIR`; default: a temp dir removed after the test. */
  dataDir?: string;
  cwd?: string;
  env?: Record<string, string>;
  /** The `artifactapi` script to run; default: this checkout's core/bin/artifactapi.js. */
  cli?: string;
  /** How long the server may take to answer GET /health with 200. */
  readyTimeoutMs?: number;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running `artifactapi serve` child process. */
export interface ServeProcess {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  child: ChildProcess;
  dataDir: string;
  /** Everything written to stdout so far. */
  stdout(): string;
  stderr(): string;
  /** stdout lines that parse as JSON objects (the pino log). */
  logLines(): Record<string, unknown>[];
  /** Resolves with the first log line matching, waiting for it to be written. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves when the process has exited. */
  exited: Promise<Exit>;
  /** Sends a signal (default SIGTERM) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

/**
 * Starts `artifactapi serve` on a free loopback port and waits until GET /health answers 200.
 * Fails with the child's output when it exits first. The child is killed at the end of the test.
 */
export async function startServe(t: Teardown, options: ServeOptions = {}): Promise<ServeProcess> {
  const dataDir = options.dataDir ?? (await tempDir(t, 'aapi-data-'));
  // Another process may grab the port between freePort() and the child's listen; try again then.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const proc = spawnServe(t, options, dataDir, port);
    const ready = await waitReady(proc, dataDir, options.readyTimeoutMs ?? 30_000);
    if (ready) return proc;
    const exit = await proc.exited;
    const output = `${proc.stdout()}${proc.stderr()}`;
    if (attempt < 3 && output.includes('EADDRINUSE')) continue;
    throw new Error(`artifactapi serve did not become ready (exit ${JSON.stringify(exit)}):\n${output}`);
  }
}

/** Spawns `artifactapi serve` without waiting for it; see startServe. */
export function spawnServe(t: Teardown, options: ServeOptions, dataDir: string, port: number): ServeProcess {
  const args = ['serve', '--listen', `127.0.0.1:${port}`, '--data', dataDir];
  if (options.config !== undefined) args.push('--config', options.config);
  const { child, stdout, stderr } = spawnCli(args, options);
  const exited = new Promise<Exit>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });

  const logLines = (): Record<string, unknown>[] =>
    stdout()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return []; // a line still being written
        }
      });

  const waitForLog = async (match: (line: Record<string, unknown>) => boolean, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = logLines().find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching log line within ${timeoutMs} ms; stdout:\n${stdout()}\nstderr:\n${stderr()}`);
      await sleep(100);
    }
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    dataDir,
    stdout,
    stderr,
    logLines,
    waitForLog,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * Polls GET /health until it answers 200 naming this child's data directory (true), or until the
 * child exits or the time is up (false). The directory tells our server from another test's that
 * took the port between freePort() and our listen: that one answers 200 too, and a test talking
 * to it sees another admin token (a 403 in CI once).
 */
async function waitReady(proc: ServeProcess, dataDir: string, timeoutMs: number): Promise<boolean> {
  const ours = resolve(dataDir);
  let gone = false;
  void proc.exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (!gone && Date.now() < deadline) {
    try {
      const res = await fetch(`${proc.url}/health`, { signal: AbortSignal.timeout(2_000) });
      const body = (await res.json().catch(() => ({}))) as { disks?: { path?: string }[] };
      if (res.status === 200 && body.disks?.some((disk) => disk.path !== undefined && resolve(disk.path) === ours)) return true;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  if (!gone) proc.child.kill('SIGKILL');
  return false;
}
