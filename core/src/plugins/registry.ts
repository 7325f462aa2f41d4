import type { PluginLogger } from '@artifactapi/plugin-sdk';
import { builtinPlugins, defaultPluginSearchPaths } from './builtins.js';
import { discoverPlugins } from './discover.js';
import type { LoadedPlugin, PluginProblem } from './types.js';
import type { PluginOptionsInfo } from '../config/plugin-options.js';

export interface PluginRegistryOptions {
  /** Where to look for plugin packages; default `defaultPluginSearchPaths()`, i.e. `[process.cwd(), <core package dir>]`. */
  searchFrom?: string[];
  log: PluginLogger;
}

/** The package types this process can serve: the built-in ones plus every plugin discovery loaded. */
export class PluginRegistry {
  /** Packages that declared themselves plugins but were refused, in discovery order. */
  readonly problems: readonly PluginProblem[];
  readonly #byType: ReadonlyMap<string, LoadedPlugin>;

  private constructor(plugins: readonly LoadedPlugin[], problems: readonly PluginProblem[]) {
    this.#byType = new Map(plugins.map((p) => [p.type, p]));
    this.problems = Object.freeze([...problems]);
  }

  /**
   * Discovers plugins and builds the registry. Never fails because of a plugin: each problem is
   * logged with `log.error` (the server still starts; repositories of that type fail config
   * validation), each loaded plugin with `log.info`.
   */
  static async load(options: PluginRegistryOptions): Promise<PluginRegistry> {
    const discovered = await discoverPlugins({ searchFrom: options.searchFrom ?? defaultPluginSearchPaths(), log: options.log });
    const registry = new PluginRegistry([...(await builtinPlugins()), ...discovered.plugins], discovered.problems);
    registry.report(options.log);
    return registry;
  }

  /** The built-in types plus `plugins`, loaded by the caller (the plugin test host). */
  static async of(plugins: readonly LoadedPlugin[]): Promise<PluginRegistry> {
    return new PluginRegistry([...(await builtinPlugins()), ...plugins], []);
  }

  /**
   * Logs each problem with `log.error` and each loaded plugin with `log.info`. `serve` discovers
   * plugins before its logger exists (the config names the log level) and reports them again then.
   */
  report(log: PluginLogger): void {
    for (const problem of this.problems) log.error({ package: problem.packageName, dir: problem.dir }, problem.message);
    for (const p of this.list()) {
      log.info({ type: p.type, package: p.packageName, version: p.version, apiVersion: p.apiVersion, builtin: p.builtin }, `plugin ${p.type} loaded`);
    }
  }

  /** The loaded package types, in {@link list} order. */
  types(): string[] {
    return this.list().map((p) => p.type);
  }

  /** The plugin for a repository's `package:` value, or undefined when no such type is loaded. */
  get(type: string): LoadedPlugin | undefined {
    return this.#byType.get(type);
  }

  /** What config loading needs to check a type's repository keys; undefined for an unknown type. */
  readonly optionsInfo = (type: string): PluginOptionsInfo | undefined => {
    const plugin = this.#byType.get(type)?.plugin;
    return plugin && { contract: plugin.contract, ...(plugin.options ? { options: plugin.options } : {}) };
  };

  /** Every loaded type: built-in ones first, then the others by type name. */
  list(): LoadedPlugin[] {
    return [...this.#byType.values()].sort((a, b) => Number(b.builtin) - Number(a.builtin) || a.type.localeCompare(b.type));
  }
}
