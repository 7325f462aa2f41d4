import { applyPluginOptions, ConfigError, loadConfig } from '../config/index.js';
import { PluginRegistry } from '../plugins/index.js';
import { quietLog } from './quiet-log.js';

/**
 * `artifactapi check-config FILE`: 0 when valid, 1 with one line per problem otherwise.
 * Plugins are discovered as `serve` does, so a `package:` that serve would refuse is refused here.
 */
export async function checkConfigCommand(file: string, dataDir: string | undefined): Promise<number> {
  const plugins = await PluginRegistry.load({ log: quietLog });
  try {
    // Each repository's plugin keys are checked against the option schema of its plugin.
    const config = applyPluginOptions(await loadConfig(file, { dataDir, knownPackages: plugins.types() }), plugins.optionsInfo, file);
    const repos = Object.keys(config.remotes).length;
    const virtuals = Object.keys(config.virtuals).length;
    process.stdout.write(`${file}: valid (${repos} repositories, ${virtuals} virtual)\n`);
    return 0;
  } catch (err) {
    return reportConfigError(file, err);
  }
}

/** Prints a config error the way every command does; rethrows anything else. */
export function reportConfigError(file: string, err: unknown): number {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${file}: invalid configuration\n`);
  for (const issue of err.issues) {
    // Messages usually start with their key path already; name it once.
    const prefix = issue.path && !issue.message.startsWith(issue.path) ? `${issue.path}: ` : '';
    process.stderr.write(`  ${prefix}${issue.message}\n`);
  }
  return 1;
}
