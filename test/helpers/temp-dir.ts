import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Teardown } from './teardown.js';

/** A fresh directory under the OS temp dir, removed when the test ends. */
export async function tempDir(t: Teardown, prefix = 'aapi-e2e-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes a config file into `dir` and returns its path. */
export async function writeConfig(dir: string, yaml: string, name = 'config.yaml'): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, yaml);
  return file;
}
