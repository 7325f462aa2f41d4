import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port.js';
import { tempDir } from './temp-dir.js';
import type { Teardown } from './teardown.js';
import type { TokenServer } from './registry-token-server.js';

/**
 * A CNCF distribution registry (Debian's `docker-registry`, 2.8) as a real upstream or peer:
 * filesystem storage in a temp dir, 127.0.0.1 on a free port, optionally behind token auth, or
 * as a pull-through cache of another registry (`proxy.remoteurl`, the bench's peer).
 */

export const DOCKER_REGISTRY_BIN = process.env.DOCKER_REGISTRY_BIN ?? 'docker-registry';

export interface RegistryOptions {
  /** Require tokens from this server (`auth.token`). */
  tokenAuth?: TokenServer;
  /** Run as a pull-through cache of this registry URL. */
  proxy?: { remoteurl: string; username?: string; password?: string };
}

export interface RunningRegistry {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT`, for image references. */
  host: string;
  /** The storage root. */
  dataDir: string;
  /** The registry's output so far, for a failing test's message. */
  output(): string;
  /** Stops it now (teardown also does, for a registry still running). */
  stop(): Promise<void>;
}

/** The config YAML for `options` (JSON is YAML, and needs no quoting rules of its own). */
export function registryConfig(dataDir: string, port: number, options: RegistryOptions = {}): string {
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: 'warn', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: dataDir }, delete: { enabled: true }, maintenance: { uploadpurging: { enabled: false } } },
    http: { addr: `127.0.0.1:${port}`, secret: 'artifactapi-test-secret' },
  };
  if (options.tokenAuth) {
    const { realm, service, issuer, certFile } = options.tokenAuth;
    config.auth = { token: { realm, service, issuer, rootcertbundle: certFile } };
  }
  if (options.proxy) config.proxy = options.proxy;
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** Starts a registry and waits until `/v2/` answers; it is stopped when the test ends. */
export async function startRegistry(t: Teardown, options: RegistryOptions = {}): Promise<RunningRegistry> {
  const dir = await tempDir(t, 'aapi-registry-');
  const dataDir = join(dir, 'data');
  const port = await freePort();
  const configFile = join(dir, 'config.yml');
  await writeFile(configFile, registryConfig(dataDir, port, options));
  const child = spawn(DOCKER_REGISTRY_BIN, ['serve', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(5000).then(() => child.kill('SIGKILL'))]);
  };
  t.teardown(stop);
  const url = `http://127.0.0.1:${port}`;
  await Promise.race([waitForPing(url, () => child.exitCode !== null, () => output), spawnError]);
  return { url, host: `127.0.0.1:${port}`, dataDir, output: () => output, stop };
}

async function waitForPing(url: string, hasExited: () => boolean, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error(`docker-registry exited before answering:\n${output()}`);
    try {
      const res = await fetch(`${url}/v2/`);
      await res.arrayBuffer();
      if (res.status === 200 || res.status === 401) return;
    } catch {
      // Not listening yet.
    }
    await sleep(50);
  }
  throw new Error(`docker-registry did not answer on ${url} within 15 s:\n${output()}`);
}
