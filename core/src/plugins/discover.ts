import type { PluginLogger } from '@artifactapi/plugin-sdk';
import { builtinPlugins } from './builtins.js';
import { loadPlugin } from './load-plugin.js';
import { nodeModulesDirs } from './node-modules-dirs.js';
import { scanPackages } from './scan-packages.js';
import type { PluginCandidate } from './scan-packages.js';
import type { DiscoverOptions, DiscoveryResult, LoadedPlugin, PluginProblem } from './types.js';

/**
 * Finds every plugin package reachable from `options.searchFrom`, imports it and checks it.
 * Never throws for a bad plugin: each refused package becomes a problem and discovery goes on.
 * The first package found for a type wins (nearest node_modules first, then by name); a later
 * one, or one claiming a built-in type such as `generic`, is a problem naming both packages.
 * The returned plugins do not include the built-in types.
 */
export async function discoverPlugins(options: DiscoverOptions): Promise<DiscoveryResult> {
  const candidates = await findCandidates(options.searchFrom, options.log);
  // Imported together so one slow plugin does not delay the others; results are used in discovery order.
  const outcomes = await Promise.all(candidates.map(loadPlugin));

  const byType = new Map<string, LoadedPlugin>();
  for (const builtin of await builtinPlugins()) byType.set(builtin.type, builtin);
  const plugins: LoadedPlugin[] = [];
  const problems: PluginProblem[] = [];
  for (const outcome of outcomes) {
    if (!outcome.ok) {
      problems.push(outcome.problem);
      continue;
    }
    const loaded = outcome.plugin;
    const first = byType.get(loaded.type);
    if (first !== undefined) {
      problems.push({ packageName: loaded.packageName, dir: loaded.dir, message: duplicateMessage(first, loaded) });
      continue;
    }
    byType.set(loaded.type, loaded);
    plugins.push(loaded);
  }
  return { plugins, problems };
}

/** Plugin candidates in discovery order, each package once (a nearer copy shadows a farther one, as in Node). */
async function findCandidates(searchFrom: readonly string[], log: PluginLogger): Promise<PluginCandidate[]> {
  const seenDirs = new Set<string>();
  const byName = new Map<string, PluginCandidate>();
  const found: PluginCandidate[] = [];
  for (const nodeModules of await nodeModulesDirs(searchFrom)) {
    for (const candidate of await scanPackages(nodeModules)) {
      if (seenDirs.has(candidate.dir)) continue; // the same package reached through a second link
      seenDirs.add(candidate.dir);
      const nearer = byName.get(candidate.packageName);
      if (nearer !== undefined) {
        log.debug({ package: candidate.packageName, dir: candidate.dir, using: nearer.dir }, 'plugin package shadowed by a nearer copy');
        continue;
      }
      byName.set(candidate.packageName, candidate);
      found.push(candidate);
    }
  }
  return found;
}

function duplicateMessage(first: LoadedPlugin, dup: LoadedPlugin): string {
  if (first.builtin) {
    return `package ${dup.packageName} (${dup.dir}) registers type "${dup.type}", which is built into ArtifactAPI (${first.packageName}); the package is ignored`;
  }
  return (
    `package ${dup.packageName} (${dup.dir}) registers type "${dup.type}", already registered by package ` +
    `${first.packageName} (${first.dir}); using ${first.packageName} and ignoring ${dup.packageName}`
  );
}
