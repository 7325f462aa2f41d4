import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { RedisCoordinator, type RedisCoordinatorOptions } from '../../src/coord/index.js';
import type { CoordinatorFixture } from '../conformance/coordinator-conformance.js';

/** A key prefix no other test (or test run) uses. */
export function testPrefix(): string {
  return `aapi-test:${randomUUID()}:`;
}

/** Deletes every key under `prefix`, so a test leaves Redis as it found it. */
export async function deleteKeys(admin: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await admin.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** Coordinators of one deployment (one prefix), plus a plain admin connection to poke at Redis. */
export interface RedisCoordinatorFixture extends CoordinatorFixture {
  coordinator: RedisCoordinator;
  connect(): Promise<RedisCoordinator>;
  prefix: string;
  admin: Redis;
}

/** A fresh prefix with one coordinator; `connect()` adds another replica; cleanup closes all and deletes the keys. */
export async function redisCoordinatorFixture(
  url: string,
  options: Partial<RedisCoordinatorOptions> = {},
): Promise<RedisCoordinatorFixture> {
  const prefix = testPrefix();
  const made: RedisCoordinator[] = [];
  const connect = async (): Promise<RedisCoordinator> => {
    // A generous first connect: on a loaded 2-core machine a local connection can take seconds.
    const c = await RedisCoordinator.connect({ url, keyPrefix: prefix, connectTimeoutMs: 15_000, ...options });
    made.push(c);
    return c;
  };
  const admin = new Redis(url);
  const coordinator = await connect();
  return {
    coordinator,
    connect,
    prefix,
    admin,
    cleanup: async () => {
      await Promise.all(made.map((c) => c.close()));
      await deleteKeys(admin, prefix);
      await admin.quit();
    },
  };
}

/** A port nothing listens on (it was free a moment ago). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A private redis-server that a test may kill and restart (the machine's one is shared). */
export interface PrivateRedis {
  url: string;
  /** Kills the server (SIGKILL: an outage, not a polite shutdown). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  dispose(): Promise<void>;
}

/** Starts `redis-server` on a free port, in memory only. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'aapi-redis-'));
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'ignore'] });
    child = proc;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      proc.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Ready to accept connections')) resolve();
      });
      proc.once('error', reject);
      proc.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
    });
  };
  const stop = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    dispose: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
