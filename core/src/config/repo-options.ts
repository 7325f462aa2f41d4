import { repoSchemaKeys } from './schema-validate.js';

/**
 * Keys the schema declares that belong to package-type plugins rather than to the core:
 * `files_url` (pypi, helm; the core also lets upstream requests reach its host) and `ban_tags`
 * (docker, planned).
 */
const PLUGIN_KEYS = new Set(['files_url', 'ban_tags']);

let coreKeys: Set<string> | undefined;

/**
 * A repository's `options`: the keys of its block, as written, that are its plugin's own (the
 * plugin keys above and any key the schema does not know), without the core's (`base_url`,
 * `patterns`, `cache`, credentials, …), which RepoConfig carries already.
 */
export function pluginOptions(written: unknown): Record<string, unknown> {
  coreKeys ??= new Set(repoSchemaKeys().filter((key) => !PLUGIN_KEYS.has(key)));
  const block = (written ?? {}) as Record<string, unknown>;
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(block)) {
    if (!coreKeys.has(key)) options[key] = structuredClone(value);
  }
  return options;
}
