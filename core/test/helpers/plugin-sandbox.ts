import { cp, mkdir, mkdtemp, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Compiled to core/dist/test/helpers/: the fixtures are in core/test/, the SDK is a sibling of core.
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/plugins/', import.meta.url));
const SDK_DIR = fileURLToPath(new URL('../../../../plugin-sdk', import.meta.url));

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** Folder of a fixture plugin package under core/test/fixtures/plugins/. */
export function fixturePlugin(name: string): string {
  return join(FIXTURES, name);
}

/**
 * A temp project whose node_modules holds copies of the named fixture plugin packages and a link
 * to the real SDK, as `npm install` would leave it. Pass it as `searchFrom` / `pluginSearchFrom`.
 */
export async function pluginSandbox(t: Teardown, packages: readonly string[]): Promise<string> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'aapi-plugins-')));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, 'node_modules', '@artifactapi'), { recursive: true });
  await symlink(SDK_DIR, join(root, 'node_modules', '@artifactapi', 'plugin-sdk'), 'dir');
  for (const name of packages) await cp(fixturePlugin(name), join(root, 'node_modules', name), { recursive: true });
  return root;
}
