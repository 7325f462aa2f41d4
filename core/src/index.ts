export { createServer } from './server.js';
export type { ArtifactServer, CreateServerOptions } from './server.js';
export { loadConfig, parseConfig, ConfigError, redactConfig, KNOWN_ENV_VARS } from './config/index.js';
export type { AppConfig, RepoConfig } from './config/index.js';
export { AapiError, ERROR_CODES } from './errors.js';
export type { ErrorCode } from './errors.js';
