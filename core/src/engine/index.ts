export { Engine } from './engine.js';
export type { EngineDeps, EngineLogger } from './engine.js';
export { HotCache } from './hot-cache.js';
export type { HotCacheLimits } from './hot-cache.js';
export { RepoRuntime } from './repo-runtime.js';
export { normaliseRepoPath } from './path.js';
export { servedFacts } from './served.js';
export type { CacheStatus, Served } from './served.js';
export type { RequestView } from './index-documents.js';
