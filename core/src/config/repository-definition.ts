import { ConfigError, type ConfigIssue } from './config-error.js';
import type { FileConfig } from './file-config.js';
import { normalise } from './normalise.js';
import { applyPluginOptions, type PluginOptionsInfo } from './plugin-options.js';
import { validateAgainstSchema } from './schema-validate.js';
import { semanticChecks, unknownPackages } from './semantic-checks.js';
import { pluginOptions } from './repo-options.js';
import type { AppConfig, RepoConfig, VirtualConfig } from './types.js';

/** What checking a definition needs to know about the running server. */
export interface DefinitionContext {
  /** The package types the loaded plugins provide. */
  knownPackages: readonly string[];
  /** A type's plugin option schema. */
  pluginOf: (type: string) => PluginOptionsInfo | undefined;
}

/**
 * One repository block, as a config file would hold it under `remotes.<name>`, checked exactly
 * as the config file is (schema, regular expressions, URLs, credentials, the plugin's `options`
 * schema) and normalised. Throws a ConfigError naming the key path of every problem
 * (`remotes.<name>.base_url …`).
 */
export function parseRemoteDefinition(name: string, definition: Record<string, unknown>, ctx: DefinitionContext): RepoConfig {
  const written = { remotes: { [name]: definition } };
  const data = structuredClone(written) as Record<string, unknown>;
  const issues = [...validateAgainstSchema(data), ...semanticChecks(data, ctx.knownPackages)];
  // The plugin's keys too, so that one answer lists every problem.
  if (issues.length > 0) {
    const more = pluginIssues(name, definition, ctx).filter((p) => !issues.some((i) => i.path === p.path));
    throw new ConfigError(dedupe([...issues, ...more]));
  }
  const normaliseIssues: ConfigIssue[] = [];
  // No environment: a definition sent over HTTP has no ${VAR} references and no backend switches.
  const config = normalise(data as unknown as FileConfig, written, {}, '.', normaliseIssues);
  if (normaliseIssues.length > 0) throw new ConfigError(normaliseIssues);
  return applyPluginOptions(config, ctx.pluginOf).remotes[name]!;
}

/**
 * One virtual block (`virtuals.<name>`), checked against the schema and against the repositories
 * that exist now: every member must be a remote or local repository of the virtual's package type.
 */
export function parseVirtualDefinition(
  name: string,
  definition: Record<string, unknown>,
  ctx: DefinitionContext & { packageOf: (member: string) => string | undefined },
): VirtualConfig {
  const data = { virtuals: { [name]: structuredClone(definition) } } as Record<string, unknown>;
  const issues = [...validateAgainstSchema(data), ...unknownPackages(data as { virtuals: unknown }, ctx.knownPackages)];
  const virtual = definition as { package?: unknown; members?: unknown };
  if (Array.isArray(virtual.members)) {
    virtual.members.forEach((member, i) => {
      if (typeof member !== 'string') return;
      const path = `virtuals.${name}.members[${i}]`;
      const type = ctx.packageOf(member);
      if (type === undefined) {
        issues.push({ path, message: `${path} names ${JSON.stringify(member)}, which is not a remote or local repository` });
      } else if (typeof virtual.package === 'string' && type !== virtual.package) {
        issues.push({ path, message: `${path} names ${JSON.stringify(member)}, a ${type} repository, but virtuals.${name}.package is ${virtual.package}` });
      }
    });
  }
  if (issues.length > 0) throw new ConfigError(dedupe(issues));
  const checked = (data['virtuals'] as Record<string, { auth?: VirtualConfig['auth'] }>)[name];
  return { name, package: virtual.package as string, members: [...(virtual.members as string[])], auth: { read: checked?.auth?.read ?? 'anonymous' } };
}

function pluginIssues(name: string, definition: Record<string, unknown>, ctx: DefinitionContext): ConfigIssue[] {
  const type = definition['package'];
  if (typeof type !== 'string') return [];
  const repo = { name, package: type, options: pluginOptions(definition) } as unknown as RepoConfig;
  try {
    applyPluginOptions({ remotes: { [name]: repo } } as unknown as AppConfig, ctx.pluginOf);
    return [];
  } catch (err) {
    return err instanceof ConfigError ? err.issues : [];
  }
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => !seen.has(i.message) && seen.add(i.message));
}
