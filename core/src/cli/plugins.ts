import { formatPluginList, PluginRegistry } from '../plugins/index.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** `artifactapi plugins`: the table of package types; exits 1 when some plugin failed to load. */
export async function pluginsCommand(): Promise<number> {
  const registry = await PluginRegistry.load({ log: quiet });
  process.stdout.write(formatPluginList(registry));
  return registry.problems.length > 0 ? 1 : 0;
}
