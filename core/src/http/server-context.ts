import type { AppConfig, VirtualConfig } from '../config/types.js';
import type { Coordinator } from '../coord/index.js';
import type { Engine, RepoRuntime, RepositoryCatalog, RepositoryService } from '../engine/index.js';
import type { MetadataStore } from '../metadata/index.js';
import type { PluginRegistry } from '../plugins/index.js';
import type { BlobStore } from '../storage/index.js';
import type { TokenService } from '../tokens/index.js';
import type { UpstreamClient } from '../upstream/upstream-client.js';
import type { Metrics } from './metrics.js';
import type { PluginLogger } from '@artifactapi/plugin-sdk';

/** Everything the routes need, built once by the composition root and injected into the app. */
export interface ServerContext {
  config: AppConfig;
  repos: ReadonlyMap<string, RepoRuntime>;
  virtuals: ReadonlyMap<string, VirtualConfig>;
  engine: Engine;
  /** Repositories by name and the operations on them; what routes (core and plugin) call. */
  service: RepositoryService;
  /** Repositories created through the management API (and which names the config file declares). */
  catalog: RepositoryCatalog;
  /** Named access tokens: created through the management API, checked on reads and writes. */
  tokens: TokenService;
  /** The upstream client: breaker states for /api/v2/health, probes. */
  upstream: UpstreamClient;
  plugins: PluginRegistry;
  backends: { blobs: BlobStore; meta: MetadataStore; coord: Coordinator };
  metrics: Metrics;
  /** The server's logger; plugin routes get a child of it. */
  logger: PluginLogger & { child(bindings: object): PluginLogger };
  version: string;
  /** The `Via` value on this server's upstream requests; a request carrying it is a loop. */
  via: string;
}
