import { fileURLToPath } from 'node:url';

// Compiled to test/dist/helpers/, so the repository root is three levels up.
const ROOT_URL = new URL('../../../', import.meta.url);

/** Absolute path of the repository checkout. */
export const REPO_ROOT = fileURLToPath(ROOT_URL).replace(/[\\/]$/, '');

/** The `artifactapi` command as users run it (core/bin/artifactapi.js). */
export const CLI = fileURLToPath(new URL('core/bin/artifactapi.js', ROOT_URL));

/** The plugin SDK package folder, for linking into a throwaway project's node_modules. */
export const PLUGIN_SDK_DIR = fileURLToPath(new URL('plugin-sdk', ROOT_URL));

/** Absolute path of a file or folder under test/fixtures/. */
export function fixture(relative: string): string {
  return fileURLToPath(new URL(`test/fixtures/${relative}`, ROOT_URL));
}
