export { discoverPlugins } from './discover.js';
export { PluginRegistry } from './registry.js';
export type { PluginRegistryOptions } from './registry.js';
export { genericPlugin, classifyGeneric } from './generic.js';
export { formatPluginList } from './format-plugin-list.js';
export type { PluginListSource } from './format-plugin-list.js';
export { builtinPlugins, corePackageDir, defaultPluginSearchPaths } from './builtins.js';
export type { DiscoverOptions, DiscoveryResult, LoadedPlugin, PluginProblem } from './types.js';
