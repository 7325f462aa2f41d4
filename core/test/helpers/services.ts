import { connect } from 'node:net';
import test from 'ava';
import type { ExecutionContext } from 'ava';

/**
 * Gates tests on an external service (PostgreSQL, Redis, …) of the machine.
 *
 * When the service answers, tests run. When it does not, they are skipped with a visible message,
 * unless ARTIFACTAPI_REQUIRE_SERVICES=1 (set by .ci/run): then a test named after the service fails
 * with the reason, so a CI run can never pass by skipping.
 */
export interface ServiceGate {
  readonly name: string;
  readonly available: boolean;
  /** Why the probe failed; undefined when available. */
  readonly reason?: string;
  /** `test` when available, else `test.skip`. */
  readonly test: GatedTest;
  /** `test.serial` when available, else `test.skip`. */
  readonly serial: GatedTest;
}

export type GatedTest = (title: string, implementation: (t: ExecutionContext) => Promise<void> | void) => void;

/** True when a missing service must fail the run instead of skipping. */
export function servicesRequired(): boolean {
  return process.env.ARTIFACTAPI_REQUIRE_SERVICES === '1';
}

/**
 * Runs `probe` once (at module load, before tests are declared) and returns the gate to declare
 * tests with. `probe` rejects when the service is unreachable; it is given `timeoutMs` to answer.
 */
export async function serviceGate(name: string, probe: () => Promise<void>, timeoutMs = 3000): Promise<ServiceGate> {
  let reason: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    reason = err instanceof Error ? err.message : String(err);
  } finally {
    clearTimeout(timer);
  }
  if (reason === undefined) return { name, available: true, test, serial: test.serial };
  if (servicesRequired()) {
    test(`${name} is available (ARTIFACTAPI_REQUIRE_SERVICES=1)`, (t) => {
      t.fail(`${name} unavailable: ${reason}`);
    });
  } else {
    console.warn(`[services] ${name} unavailable (${reason}): skipping its tests; set ARTIFACTAPI_REQUIRE_SERVICES=1 to fail instead`);
  }
  return { name, available: false, reason, test: test.skip, serial: test.skip };
}

/** A probe that resolves once a TCP connection to `host:port` opens. */
export function tcpProbe(host: string, port: number): () => Promise<void> {
  return () =>
    new Promise<void>((resolve, reject) => {
      const socket = connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', (err) => {
        socket.destroy();
        reject(err);
      });
    });
}

/** The Redis the tests use: REDIS_URL when set, else the machine's 127.0.0.1:6379. */
export function testRedisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** A probe for the Redis at `url` (plain TCP: enough to tell "not running" from "running"). */
export function redisProbe(url = testRedisUrl()): () => Promise<void> {
  const { hostname, port } = new URL(url);
  return tcpProbe(hostname.replace(/^\[|\]$/g, ''), Number(port || 6379));
}

/** The PostgreSQL the tests use: DATABASE_URL when set, else the machine's `test` database. */
export function testPostgresUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

/** A probe for the PostgreSQL at `url` (plain TCP, like {@link redisProbe}). */
export function postgresProbe(url = testPostgresUrl()): () => Promise<void> {
  const { hostname, port } = new URL(url);
  return tcpProbe(hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', Number(port || 5432));
}

/** `test.serial` when every gate's service answers, else `test.skip` (each gate has reported its own failure). */
export function serialIfAll(gates: readonly ServiceGate[]): GatedTest {
  return gates.every((gate) => gate.available) ? test.serial : test.skip;
}
