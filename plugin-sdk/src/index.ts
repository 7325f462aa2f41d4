export { definePlugin, joinUpstream, productErrorBody, API_VERSION } from './define-plugin.js';
export { parseJsonDocument, MAX_JSON_DEPTH } from './json-document.js';
export type {
  ArtifactFacts,
  ArtifactPlugin,
  InspectContext,
  InspectTask,
  Negotiated,
  RewriteResult,
  RewriteTask,
  CacheClass,
  ErrorInfo,
  Classification,
  ExpectedDigest,
  HookContext,
  PluginDefinition,
  PluginLogger,
  RepoInfo,
  RewriteContext,
  TaskRef,
} from './types.js';
