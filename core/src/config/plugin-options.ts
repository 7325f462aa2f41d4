import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { OptionsSchema } from '@artifactapi/plugin-sdk';
import { translateAjvErrors } from './ajv-issues.js';
import { ConfigError, type ConfigIssue } from './config-error.js';
import type { AppConfig } from './types.js';

/** What the config needs to know about a package type to check its repositories' plugin keys. */
export interface PluginOptionsInfo {
  /** The apiVersion the plugin's package declares: 1 leaves plugin keys unchecked. */
  contract: 1 | 2;
  /** The plugin's option schema (contract 2). */
  options?: OptionsSchema;
}

const compiled = new WeakMap<OptionsSchema, ValidateFunction>();

function validatorFor(schema: OptionsSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    const ajv = new Ajv2020({ allErrors: true, useDefaults: true, coerceTypes: true, verbose: true, strict: false, allowUnionTypes: true });
    ajv.addKeyword({ keyword: 'x-expected', schemaType: 'string' });
    // Unknown keys are errors for a plugin that declares its options.
    validate = ajv.compile({ ...schema, type: 'object', additionalProperties: false });
    compiled.set(schema, validate);
  }
  return validate;
}

/**
 * Checks each repository's plugin keys against the option schema of its plugin (apiVersion 2),
 * filling in the schema's defaults, and names each problem by key path
 * (`remotes.pypi.files_url must be an http(s) URL`). Repositories of a type no loaded plugin
 * provides, or of an apiVersion 1 plugin, keep their plugin keys unchecked, as before.
 * Throws a ConfigError listing every problem; otherwise returns the config with checked options.
 */
export function applyPluginOptions(config: AppConfig, pluginOf: (type: string) => PluginOptionsInfo | undefined, source?: string): AppConfig {
  const issues: ConfigIssue[] = [];
  const remotes: AppConfig['remotes'] = {};
  for (const [name, repo] of Object.entries(config.remotes)) {
    const info = pluginOf(repo.package);
    if (!info || info.contract < 2) {
      remotes[name] = repo;
      continue;
    }
    const options = structuredClone(repo.options) as Record<string, unknown>;
    const validate = validatorFor(info.options ?? { properties: {} });
    if (!validate(options)) issues.push(...pluginIssues(validate.errors ?? [], name, options, repo.package));
    remotes[name] = { ...repo, options };
  }
  if (issues.length > 0) throw new ConfigError(issues, source === undefined ? {} : { file: source });
  return { ...config, remotes };
}

/** ajv's errors on one repository's plugin keys, as key paths from the top of the file. */
function pluginIssues(errors: readonly ErrorObject[], name: string, options: Record<string, unknown>, type: string): ConfigIssue[] {
  const prefix = `/remotes/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  const located = errors.map((e) => ({ ...e, instancePath: prefix + e.instancePath }));
  return translateAjvErrors(located, { remotes: { [name]: options } }).map((issue) =>
    issue.message.startsWith('unknown key ')
      ? { ...issue, message: `${issue.message} (neither a repository key nor an option of the ${type} plugin)` }
      : issue,
  );
}
