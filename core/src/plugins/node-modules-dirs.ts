import { realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * The `node_modules` directories Node would search from each start directory, nearest first,
 * in the order the start directories are given. Each directory appears once, by real path, so
 * overlapping chains (the working directory inside the core's checkout) cost nothing extra.
 */
export async function nodeModulesDirs(searchFrom: readonly string[]): Promise<string[]> {
  const seen = new Set<string>();
  const dirs: string[] = [];
  for (const start of searchFrom) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      // Node skips a directory that is itself named node_modules (no node_modules/node_modules).
      if (basename(dir) !== 'node_modules') {
        const real = await realpathOrNull(join(dir, 'node_modules'));
        if (real !== null && !seen.has(real)) {
          seen.add(real);
          dirs.push(real);
        }
      }
      if (dirname(dir) === dir) break;
    }
  }
  return dirs;
}

async function realpathOrNull(path: string): Promise<string | null> {
  try {
    return await realpath(path);
  } catch {
    return null;
  }
}
