export { definePlugin, joinUpstream, productErrorBody, API_VERSION } from './define-plugin.js';
export { parseJsonDocument, MAX_JSON_DEPTH } from './json-document.js';
export { taskRef } from './task-ref.js';
export { UPSTREAM_URL_OPTION, urlOption } from './common-options.js';
export type { TaskFunction, TaskRef } from './task-ref.js';
export { parseAccept, preferredMediaType, qualityOf } from './accept.js';
export type { MediaRange } from './accept.js';
export { normaliseBase, UrlMapping } from './url-mapping.js';
export type { UrlMount } from './url-mapping.js';
export { filterVersions, versionVerdict } from './version-filter.js';
export type { VersionFacts, VersionFilterOptions, VersionVerdict } from './version-filter.js';
export { parseChallenges } from './auth-challenges.js';
export { dirHash1, zipEntries, zipHash1 } from './zip-archive.js';
export type { ZipEntry } from './zip-archive.js';
export type { AuthChallenge, AuthFetchResponse, UpstreamAuth, UpstreamAuthContext, UpstreamAuthRequest, UpstreamToken } from './upstream-auth.js';
export { isEngineError } from './engine-service.js';
export type {
  ArtifactRequest,
  EngineError,
  EngineService,
  EvictTarget,
  PutOptions,
  RepositoryRef,
  SendOptions,
  ServedArtifact,
  StoredObject,
} from './engine-service.js';
export type { AccessDecision, HotRead, HotReadRepositories, HotReads, HttpMethod, PluginReply, PluginRequest, RepositoryAccess, RouteErrorHandler, RouteHandler, RouteScope, RoutesContext } from './routes.js';
export type { HostedDefinition, PublishedFile, PublishInput, PublishRequest, UploadSession, UploadSessions } from './hosted.js';
export type { MergeContext, MergeDocument, MergeInput, MergeTask, Mergers } from './mergers.js';
export type {
  ArtifactFacts,
  ArtifactPlugin,
  InspectContext,
  InspectTask,
  Negotiated,
  OptionsSchema,
  RewriteResult,
  RewriteTask,
  CacheClass,
  ErrorInfo,
  Classification,
  ExpectedDigest,
  HookContext,
  IndexLocation,
  PluginDefinition,
  PluginLogger,
  RepoInfo,
  RewriteContext,
  VerifyInput,
  VerifyResult,
  VerifyTask,
} from './types.js';
