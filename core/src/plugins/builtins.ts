import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { genericPlugin } from './generic.js';
import { withDefaults } from './plugin-defaults.js';
import type { LoadedPlugin } from './types.js';

// Compiled to core/dist/src/plugins/, so the package root is three levels up.
const CORE_DIR_URL = new URL('../../../', import.meta.url);

/** Directory of the @artifactapi/core package, where a global install keeps its plugins' node_modules. */
export function corePackageDir(): string {
  return fileURLToPath(CORE_DIR_URL).replace(/[\\/]$/, '');
}

/**
 * Where the server looks for plugins: the operator's working directory, then the core package.
 * Pass this as `searchFrom` unless a test needs its own node_modules.
 */
export function defaultPluginSearchPaths(): string[] {
  return [process.cwd(), corePackageDir()];
}

let builtins: Promise<LoadedPlugin[]> | undefined;

/** The types core provides itself; discovery refuses packages that claim them. */
export function builtinPlugins(): Promise<LoadedPlugin[]> {
  builtins ??= coreVersion().then((version) => [
    {
      type: genericPlugin.type,
      packageName: '@artifactapi/core',
      version,
      // Contract 1 for its keys: generic declares no options, and configs in use give it extra keys.
      apiVersion: 1,
      dir: corePackageDir(),
      plugin: withDefaults(genericPlugin, 1),
      builtin: true,
    },
  ]);
  return builtins;
}

async function coreVersion(): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(new URL('package.json', CORE_DIR_URL), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0'; // a repackaged core without its package.json still serves generic
  }
}
