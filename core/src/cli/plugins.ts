import { formatPluginList, PluginRegistry } from '../plugins/index.js';
import { quietLog } from './quiet-log.js';

/** `artifactapi plugins`: the table of package types; exits 1 when some plugin failed to load. */
export async function pluginsCommand(): Promise<number> {
  const registry = await PluginRegistry.load({ log: quietLog });
  process.stdout.write(formatPluginList(registry));
  return registry.problems.length > 0 ? 1 : 0;
}
