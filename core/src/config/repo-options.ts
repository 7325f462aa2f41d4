import { repoSchemaKeys } from './schema-validate.js';

let coreKeys: Set<string> | undefined;

/**
 * A repository's `options`: the keys of its block, as written, that are its plugin's own (the
 * keys the schema does not know), without the core's (`base_url`,
 * `patterns`, `cache`, credentials, …), which RepoConfig carries already.
 */
export function pluginOptions(written: unknown): Record<string, unknown> {
  // The schema knows only the core's keys; plugins declare theirs in their `options` schema.
  coreKeys ??= new Set(repoSchemaKeys());
  const block = (written ?? {}) as Record<string, unknown>;
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(block)) {
    if (!coreKeys.has(key)) options[key] = structuredClone(value);
  }
  return options;
}
