import { cp, mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fixture, PLUGIN_SDK_DIR } from './paths.js';
import type { Teardown } from './teardown.js';
import { tempDir } from './temp-dir.js';

/**
 * A throwaway operator project: a directory whose node_modules holds copies of the named
 * fixture plugin packages (from test/fixtures/plugins/) and a link to this checkout's
 * @artifactapi/plugin-sdk, as `npm install artifactapi-plugin-x` would leave it. Run the
 * CLI with this as its working directory to have it discover the plugins.
 */
export async function pluginProject(t: Teardown, packages: readonly string[]): Promise<string> {
  const dir = await tempDir(t, 'aapi-project-');
  const nodeModules = join(dir, 'node_modules');
  await mkdir(join(nodeModules, '@artifactapi'), { recursive: true });
  await symlink(PLUGIN_SDK_DIR, join(nodeModules, '@artifactapi', 'plugin-sdk'), 'dir');
  for (const name of packages) await cp(fixture(`plugins/${name}`), join(nodeModules, name), { recursive: true });
  return dir;
}
