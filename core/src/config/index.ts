export { loadConfig, parseConfig } from './load.js';
export type { LoadConfigOptions } from './load.js';
export { ConfigError } from './config-error.js';
export { unknownPackages } from './semantic-checks.js';
export type { ConfigIssue } from './config-error.js';
export { redactConfig, redactString, isSecretKey, REDACTED } from './redact.js';
export { KNOWN_ENV_VARS } from './known-env.js';
export { DEFAULT_CONFIG_FILE, CONFIG_SCHEMA_FILE } from './files.js';
export type {
  AppConfig,
  RepoConfig,
  VirtualConfig,
  CacheTtls,
  UpstreamTimeouts,
  UpstreamConfig,
  StorageConfig,
  DiskCacheConfig,
  MetadataConfig,
  CoordinationConfig,
} from './types.js';
export { applyPluginOptions } from './plugin-options.js';
export type { PluginOptionsInfo } from './plugin-options.js';
export { parseRemoteDefinition, parseVirtualDefinition } from './repository-definition.js';
export type { DefinitionContext } from './repository-definition.js';
export { repositorySchemas } from './schema-validate.js';
