import type { LoadedPlugin, PluginProblem } from './types.js';

/** What the listing needs from a registry; a PluginRegistry satisfies it. */
export interface PluginListSource {
  list(): LoadedPlugin[];
  readonly problems: readonly PluginProblem[];
}

/**
 * The text `artifactapi plugins` prints: one row per type with its package, version and
 * apiVersion, then, when any package was refused, a section with each problem.
 */
export function formatPluginList(registry: PluginListSource): string {
  const header = ['TYPE', 'PACKAGE', 'VERSION', 'API'];
  const rows = registry.list().map((p) => [p.type, p.builtin ? `${p.packageName} (built-in)` : p.packageName, p.version, String(p.apiVersion)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const out = [line(header), ...rows.map(line)];
  if (registry.problems.length > 0) {
    out.push('', `Problems (${registry.problems.length} package${registry.problems.length === 1 ? '' : 's'} not loaded):`);
    for (const problem of registry.problems) {
      // Messages already name the package (they are logged as they are); add where it lives unless they say it.
      out.push(`  - ${problem.message}`);
      if (!problem.message.includes(problem.dir)) out.push(`    in ${problem.dir}`);
    }
  }
  return `${out.join('\n')}\n`;
}
