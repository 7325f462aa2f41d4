import { execFile } from 'node:child_process';
import { chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const run = promisify(execFile);
const PG_ROOT = '/usr/lib/postgresql';

/** A PostgreSQL cluster of the test's own, which it may crash and start again (the machine's one is shared). */
export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres (trust auth). */
  url: string;
  port: number;
  /** `pg_ctl stop -m immediate`: every backend quits at once, as in a crash; open connections are cut. */
  stop(): Promise<void>;
  /** Starts the same cluster again on the same port (crash recovery, then it accepts connections). */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  dispose(): Promise<void>;
}

/** The newest installed PostgreSQL's bin directory (Debian's layout), or undefined. */
export async function postgresBinDir(): Promise<string | undefined> {
  const versions = await readdir(PG_ROOT).catch(() => [] as string[]);
  const newest = versions.filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))[0];
  return newest === undefined ? undefined : join(PG_ROOT, newest, 'bin');
}

/** Rejects unless initdb and pg_ctl can be run here (for a service gate). */
export async function privatePostgresProbe(): Promise<void> {
  const bin = await postgresBinDir();
  if (bin === undefined) throw new Error(`no PostgreSQL under ${PG_ROOT}`);
  await run(join(bin, 'pg_ctl'), ['--version']);
}

/**
 * initdb in a temp dir and starts the cluster on a free loopback port, without fsync (a test's
 * data need not survive the machine). PostgreSQL refuses to run as root, so as root the cluster
 * belongs to the `postgres` user and every command runs through `runuser`.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = await postgresBinDir();
  if (bin === undefined) throw new Error(`no PostgreSQL under ${PG_ROOT}`);
  const dir = await mkdtemp(join(tmpdir(), 'aapi-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pg = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args);
  const data = join(dir, 'data');
  const port = await freePort();
  const options = [`-p ${port}`, `-k ${dir}`, '-c listen_addresses=127.0.0.1', '-c fsync=off', '-c full_page_writes=off', '-c synchronous_commit=off'];
  const start = async () => {
    await pg('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', options.join(' '), '-w', '-t', '60', 'start']);
  };
  const stop = async () => {
    await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch((err: Error & { stderr?: string }) => {
      // Already stopped is fine: stop() is also the teardown.
      if (!/Is server running\?|No such file/.test(err.stderr ?? '')) throw err;
    });
  };
  try {
    await pg('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
    await start();
  } catch (err) {
    await stop().catch(() => {});
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop,
    start,
    dispose: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
