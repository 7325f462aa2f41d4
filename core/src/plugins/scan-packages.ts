import { readdir, readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';

/** A package whose package.json has an `artifactapi` field; nothing of it has been imported yet. */
export interface PluginCandidate {
  packageName: string;
  version: string;
  /** Real path of the package directory. */
  dir: string;
  /** The raw `artifactapi` field, validated later so a malformed one is reported, not skipped. */
  manifest: unknown;
}

// Bounded so a node_modules with thousands of packages does not open thousands of files at once.
const READ_CONCURRENCY = 64;

/**
 * Lists the plugin candidates in one node_modules directory: every package and every `@scope/*`
 * package, symlinked workspace packages included. Only package.json is read; a package whose
 * package.json does not even mention `"artifactapi"` is dropped before it is parsed.
 * Sorted by package directory name so discovery order does not depend on the file system.
 */
export async function scanPackages(nodeModules: string): Promise<PluginCandidate[]> {
  const packageDirs: string[] = [];
  for (const name of await listNames(nodeModules)) {
    if (name.startsWith('.')) continue; // .bin, .package-lock.json, .cache
    if (name.startsWith('@')) {
      for (const scoped of await listNames(join(nodeModules, name))) {
        if (!scoped.startsWith('.')) packageDirs.push(join(nodeModules, name, scoped));
      }
    } else {
      packageDirs.push(join(nodeModules, name));
    }
  }
  const candidates: PluginCandidate[] = [];
  for (let i = 0; i < packageDirs.length; i += READ_CONCURRENCY) {
    const batch = await Promise.all(packageDirs.slice(i, i + READ_CONCURRENCY).map(readCandidate));
    for (const candidate of batch) if (candidate !== null) candidates.push(candidate);
  }
  return candidates;
}

async function listNames(dir: string): Promise<string[]> {
  try {
    // Plain names, not Dirents: a symlinked package reports as a link, and is followed by reading through it.
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

async function readCandidate(packageDir: string): Promise<PluginCandidate | null> {
  let text: string;
  try {
    text = await readFile(join(packageDir, 'package.json'), 'utf8');
  } catch {
    return null; // a stray file or a dangling link, not a package
  }
  if (!text.includes('"artifactapi"')) return null;
  let pkg: unknown;
  try {
    pkg = JSON.parse(text);
  } catch {
    return null; // npm itself cannot use such a package; it is not ours to report
  }
  if (typeof pkg !== 'object' || pkg === null) return null;
  const { name, version, artifactapi } = pkg as Record<string, unknown>;
  if (artifactapi === undefined) return null;
  return {
    packageName: typeof name === 'string' && name !== '' ? name : packageDirName(packageDir),
    version: typeof version === 'string' ? version : '0.0.0',
    dir: await realpath(packageDir).catch(() => packageDir),
    manifest: artifactapi,
  };
}

function packageDirName(packageDir: string): string {
  const parts = packageDir.split(/[\\/]/);
  const last = parts.at(-1) ?? packageDir;
  const scope = parts.at(-2);
  return scope?.startsWith('@') ? `${scope}/${last}` : last;
}
