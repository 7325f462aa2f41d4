import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { TINYAPP, TINYDEP, buildPackages } from './rpm-repo.js';

let built: Promise<Map<string, Buffer>> | undefined;
let buildDir: string | undefined;

/** tinyapp and tinydep, built once per test file (rpmbuild takes a few seconds each). */
export function builtPackages(): Promise<Map<string, Buffer>> {
  built ??= (async () => {
    buildDir = await mkdtemp(join(tmpdir(), 'aapi-rpmbuild-'));
    return buildPackages(buildDir, [TINYAPP, TINYDEP]);
  })();
  return built;
}

test.after.always(async () => {
  if (buildDir) await rm(buildDir, { recursive: true, force: true });
});
