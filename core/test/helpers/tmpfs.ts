import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A small file system of the test's own, so that a full disk is a real ENOSPC. */
export interface Tmpfs {
  dir: string;
  /** Changes its size in place (`mount -o remount,size=…`); files stay. */
  resize(bytes: number): Promise<void>;
  /** Unmounts it (lazily if still busy) and removes the directory. */
  release(): Promise<void>;
}

/** Mounts a tmpfs of `bytes` on `dir` (root only). */
export async function mountTmpfs(dir: string, bytes: number): Promise<Tmpfs> {
  await run('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir]);
  return {
    dir,
    resize: async (size) => void (await run('mount', ['-o', `remount,size=${size}`, dir])),
    release: async () => {
      await run('umount', [dir]).catch(() => run('umount', ['-l', dir]));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** For a service gate: rejects unless this process may mount a tmpfs. */
export async function tmpfsProbe(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'aapi-mount-probe-'));
  try {
    await run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]);
    await run('umount', [dir]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
