import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { substitute, tokenize } from './env-references.js';
import type { FileConfig } from './file-config.js';
import { normalise } from './normalise.js';
import { parseYaml } from './parse-yaml.js';
import { validateAgainstSchema } from './schema-validate.js';
import { semanticChecks } from './semantic-checks.js';
import type { AppConfig } from './types.js';

/** Options for {@link loadConfig} and {@link parseConfig}. */
export interface LoadConfigOptions {
  /** Environment for `${VAR}` references and backend switches; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Data directory (`--data`); default `./data`, resolved against the working directory. */
  dataDir?: string;
  /** Name of the source shown in error messages; loadConfig sets it to the file path. */
  source?: string;
  /**
   * The package types the loaded plugins provide; when given, a `package:` outside it is an
   * error. `check-config` and `serve` pass the registry's types; unset, any type is accepted.
   */
  knownPackages?: readonly string[];
}

function fail(issues: ConfigIssue[], source: string | undefined): never {
  throw new ConfigError(issues, source === undefined ? {} : { file: source });
}

/**
 * Parses, interpolates, validates and normalises configuration text. Throws a
 * {@link ConfigError} listing every problem found in the first stage that has any: syntax,
 * then `${VAR}` references, then the schema together with the cross-references (regular
 * expressions, virtual members, package types), then the environment.
 */
export function parseConfig(yamlText: string, options: LoadConfigOptions = {}): AppConfig {
  const env = options.env ?? process.env;
  const dataDir = resolve(options.dataDir ?? './data');
  const source = options.source;
  const issues: ConfigIssue[] = [];

  const tokens = tokenize(yamlText);
  const parsed = parseYaml(yamlText, tokens, issues);
  if (issues.length > 0) fail(issues, source);
  if (parsed !== null && parsed !== undefined && (typeof parsed !== 'object' || Array.isArray(parsed))) {
    fail([{ path: '', message: 'the configuration must be a mapping of keys to values at the top level' }], source);
  }

  const written = substitute(parsed ?? {}, tokens, env, issues) as Record<string, unknown>;
  if (issues.length > 0) fail(issues, source);

  // ajv fills in defaults and coerces in place; `written` stays as the user wrote it
  const data = structuredClone(written);
  const schemaIssues = validateAgainstSchema(data);
  const crossIssues = semanticChecks(data, options.knownPackages);
  if (schemaIssues.length + crossIssues.length > 0) fail(mergeIssues(schemaIssues, crossIssues), source);
  const file = data as unknown as FileConfig;

  const config = normalise(file, written, env, dataDir, issues);
  if (issues.length > 0) fail(issues, source);
  return config;
}

/** Schema issues, then the cross-reference ones about keys the schema did not already complain of. */
function mergeIssues(schema: ConfigIssue[], cross: ConfigIssue[]): ConfigIssue[] {
  const covered = (path: string) => schema.some((s) => path === s.path || path.startsWith(`${s.path}.`) || path.startsWith(`${s.path}[`));
  return [...schema, ...cross.filter((issue) => !covered(issue.path))];
}

/** Reads a YAML configuration file; see {@link parseConfig}. */
export async function loadConfig(file: string, options: LoadConfigOptions = {}): Promise<AppConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ConfigError([{ path: '', message: `cannot read the configuration file: ${reason}` }], { file, cause: err });
  }
  return parseConfig(text, { ...options, source: options.source ?? file });
}
