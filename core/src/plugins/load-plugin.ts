import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ArtifactPlugin } from '@artifactapi/plugin-sdk';
import { taskRefProblem } from './check-task-refs.js';
import type { PluginCandidate } from './scan-packages.js';
import { SUPPORTED_API_VERSIONS, withDefaults } from './plugin-defaults.js';
import type { LoadedPlugin, PluginProblem } from './types.js';

const SUPPORTED = SUPPORTED_API_VERSIONS.join(' and ');

// Same rule as definePlugin; repeated because an export not made by definePlugin never went through it.
const TYPE_NAME = /^[a-z0-9][a-z0-9-]*$/;

/** Outcome of loading one candidate: the plugin, or the reason it was refused. Never throws. */
export type LoadOutcome = { ok: true; plugin: LoadedPlugin } | { ok: false; problem: PluginProblem };

/**
 * Checks a candidate's `artifactapi` field, imports its plugin module and checks the default
 * export. The apiVersion is checked before the import, so a plugin written for another
 * contract never runs any code in this process.
 */
export async function loadPlugin(candidate: PluginCandidate): Promise<LoadOutcome> {
  const { packageName, dir } = candidate;
  const fail = (message: string): LoadOutcome => ({ ok: false, problem: { packageName, dir, message } });

  const manifest = candidate.manifest;
  if (typeof manifest !== 'object' || manifest === null) {
    return fail(`package ${packageName}: package.json field "artifactapi" must be an object like { "apiVersion": 2, "plugin": "./dist/src/index.js" }`);
  }
  const { apiVersion, plugin: entry } = manifest as Record<string, unknown>;
  if (typeof apiVersion !== 'number' || !Number.isInteger(apiVersion)) {
    return fail(`package ${packageName}: package.json field "artifactapi.apiVersion" must be an integer, got ${JSON.stringify(apiVersion)}`);
  }
  if (!SUPPORTED_API_VERSIONS.includes(apiVersion)) {
    return fail(`package ${packageName} declares apiVersion ${apiVersion}; this ArtifactAPI supports ${SUPPORTED}`);
  }
  if (typeof entry !== 'string' || entry === '') {
    return fail(`package ${packageName}: package.json field "artifactapi.plugin" must name the plugin module, e.g. "./dist/src/index.js"`);
  }

  let mod: unknown;
  try {
    mod = await import(pathToFileURL(resolve(dir, entry)).href);
  } catch (err) {
    const hint = (err as { code?: unknown } | null)?.code === 'ERR_MODULE_NOT_FOUND' ? ' (was the package built?)' : '';
    return fail(`package ${packageName}: importing ${entry} failed: ${errorMessage(err)}${hint}`);
  }

  const exported = (mod as { default?: unknown }).default;
  const reason = notAPluginReason(exported);
  if (reason !== null) {
    return fail(`package ${packageName}: the default export of ${entry} is not a plugin made with definePlugin (${reason})`);
  }
  const raw = exported as ArtifactPlugin;
  const taskProblem = await taskRefProblem(raw);
  if (taskProblem !== null) return fail(`package ${packageName}: plugin ${raw.type}: ${taskProblem}`);
  const plugin = withDefaults(raw, apiVersion as 1 | 2);
  return {
    ok: true,
    plugin: { type: plugin.type, packageName, version: candidate.version, apiVersion, dir, plugin, builtin: false },
  };
}

/** Why a value cannot be used as a plugin, or null when it can. Checks shape, not identity: a plugin may bundle its own copy of the SDK. */
function notAPluginReason(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return value === undefined ? 'there is none' : `got ${typeof value}`;
  const p = value as Partial<Record<keyof ArtifactPlugin, unknown>>;
  if (!SUPPORTED_API_VERSIONS.includes(p.apiVersion as number)) return `apiVersion is ${JSON.stringify(p.apiVersion)}, expected ${SUPPORTED}`;
  if (typeof p.type !== 'string' || !TYPE_NAME.test(p.type)) return `type ${JSON.stringify(p.type)} must match ${TYPE_NAME.source}`;
  if (typeof p.classify !== 'function') return 'classify is not a function';
  if (typeof p.upstreamUrl !== 'function') return 'upstreamUrl is not a function';
  if (typeof p.rewriters !== 'object' || p.rewriters === null) return 'rewriters is not an object';
  if (typeof p.inspectors !== 'object' || p.inspectors === null) return 'inspectors is not an object';
  return null;
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  try {
    return String(err);
  } catch {
    return 'unprintable error'; // e.g. a thrown object with a throwing toString
  }
}
