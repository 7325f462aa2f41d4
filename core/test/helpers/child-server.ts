import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const CLI = fileURLToPath(new URL('../../../bin/artifactapi.js', import.meta.url));

/** An `artifactapi serve` process started by a test. */
export interface ChildServer {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr, for a failing test's log. */
  output(): string;
  /** Sends `signal` and resolves when the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** A port that was free a moment ago: listen on 0, note the port, close. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Runs `node core/bin/artifactapi.js serve --config FILE --listen 127.0.0.1:PORT --data DIR` and
 * resolves once /health answers; the process is killed at the end of the test if still running.
 */
export async function spawnServer(t: Teardown, options: { config: string; data: string; port?: number }): Promise<ChildServer> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, [CLI, 'serve', '--config', options.config, '--listen', `127.0.0.1:${port}`, '--data', options.data], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(() => undefined);
  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  t.teardown(() => kill('SIGKILL'));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`artifactapi serve exited with ${child.exitCode}:\n${output}`);
    const ok = await fetch(`${url}/health`).then(
      async (res) => {
        await res.body?.cancel();
        return res.status === 200;
      },
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`artifactapi serve did not answer /health within 30 s:\n${output}`);
    await sleep(100);
  }
  return { url, child, output: () => output, kill };
}
