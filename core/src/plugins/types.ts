import type { PluginLogger } from '@artifactapi/plugin-sdk';
import type { CorePlugin } from './plugin-defaults.js';

/** A package type the registry can serve: a discovered plugin package or a type built into core. */
export interface LoadedPlugin {
  /** The `package:` value that selects it in a repository's config. */
  type: string;
  /** npm package name, e.g. `@artifactapi/plugin-npm`; `@artifactapi/core` for built-in types. */
  packageName: string;
  version: string;
  /** The apiVersion the package declared in its package.json. */
  apiVersion: number;
  /** Real path of the package directory (symlinks resolved). */
  dir: string;
  /** The plugin with the core's named defaults filled in. */
  plugin: CorePlugin;
  /** True for types the core knows by itself (`generic`). */
  builtin: boolean;
}

/** Why a package that declares itself a plugin was not loaded. Never thrown: reported and skipped. */
export interface PluginProblem {
  packageName: string;
  dir: string;
  message: string;
}

/** Everything discovery found: the plugins that loaded and the problems of those that did not. */
export interface DiscoveryResult {
  plugins: LoadedPlugin[];
  problems: PluginProblem[];
}

export interface DiscoverOptions {
  /**
   * Directories to start from. From each, every `node_modules` up the directory chain is searched,
   * nearest first, as Node resolves packages. The server passes `[process.cwd(), <core package dir>]`
   * (see `defaultPluginSearchPaths`), so plugins installed next to the operator's project and next
   * to a global install of the core are both found.
   */
  searchFrom: string[];
  log: PluginLogger;
}
