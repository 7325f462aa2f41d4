import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import {
  applyPluginOptions,
  ConfigError,
  parseRemoteDefinition,
  parseVirtualDefinition,
  unknownPackages,
  type AppConfig,
  type VirtualConfig,
} from './config/index.js';
import { TokenService } from './tokens/index.js';
import { Engine, HotCache, RepoRuntime, RepositoryCatalog, RepositoryService } from './engine/index.js';
import { createBackends } from './backends.js';
import { buildApp } from './http/app.js';
import { viaValue } from './http/loop-guard.js';
import { Metrics } from './http/metrics.js';
import type { ServerContext } from './http/server-context.js';
import { PluginRegistry } from './plugins/index.js';
import type { ListenAddress } from './upstream/index.js';
import { UpstreamClient } from './upstream/upstream-client.js';
import { WorkerPool } from './workers/index.js';

export interface CreateServerOptions {
  config: AppConfig;
  /** A logger to use instead of one built from `config.log` (tests pass a silent one). */
  logger?: Logger;
  /** Where plugins are discovered; default: the working directory and the core package. */
  pluginSearchFrom?: string[];
  /** Plugins already discovered (serve checks the config against them first); default: discover now. */
  plugins?: PluginRegistry;
}

export interface ArtifactServer {
  app: FastifyInstance;
  context: ServerContext;
  logger: Logger;
  /** Stops accepting requests, lets in-flight ones finish, then closes every backend. */
  close(): Promise<void>;
}

/** The composition root: builds backends, plugins, engine and HTTP app from a config. */
export async function createServer(options: CreateServerOptions): Promise<ArtifactServer> {
  let { config } = options;
  const logger =
    options.logger ??
    pino(
      { level: config.log.level, redact: { paths: ['req.headers.authorization', '*.password', '*.admin_token'], censor: '***' } },
      // Asynchronous: lines written while a write is in flight go out together in the next one, so
      // a line per request costs a buffer append under load instead of a write(2) each (issue 11);
      // pino flushes what is left synchronously when the process exits.
      pino.destination({ dest: 1, sync: false }),
    );
  const plugins = options.plugins ?? (await PluginRegistry.load({ searchFrom: options.pluginSearchFrom, log: logger }));
  if (options.plugins) plugins.report(logger);
  // A repository whose type no plugin provides could only answer errors while /health says ok.
  const unknown = unknownPackages(config, plugins.types());
  if (unknown.length > 0) throw new ConfigError(unknown);
  // Each repository's plugin keys against its plugin's option schema (idempotent after loadConfig's callers did it).
  config = applyPluginOptions(config, plugins.optionsInfo);

  const { blobs, meta, coord, breakerStore, diskTierStats } = await createBackends(config, logger);
  await blobs.cleanOrphans().then(
    (orphans) => orphans > 0 && logger.info({ orphans }, 'removed temporary files left by an earlier run'),
    (err: unknown) => logger.warn({ err }, 'could not clean temporary blobs at start; will serve anyway'),
  );
  // Spool files only live while a download is in flight in this process: whatever is left is from a crash.
  const spoolDir = join(config.data_dir, 'spool');
  await rm(spoolDir, { recursive: true, force: true });
  await mkdir(spoolDir, { recursive: true });
  const via = viaValue(randomBytes(6).toString('hex'));
  // The app listens after this returns (serve.ts, tests on port 0): its addresses are asked per redirect.
  let listening: () => readonly ListenAddress[] = () => [];
  const upstream = new UpstreamClient(config.upstream, {
    ...(breakerStore ? { breakerStore } : {}),
    listening: () => listening(),
    via,
  });
  const pool = new WorkerPool({ size: config.workers.size });
  const engine = new Engine({
    blobs,
    meta,
    coord,
    upstream,
    hot: new HotCache(config.memory_cache),
    pool,
    spoolDir,
    // Beside the blobs, so replicas sharing an fs volume continue each other's uploads; with S3,
    // under data_dir (replicas then need a shared data_dir or sticky routing for uploads).
    uploadDir: join(config.storage.kind === 'fs' ? config.storage.path : config.data_dir, 'uploads'),
    log: logger,
    limits: { maxBodySize: config.upstream.max_body_size, totalSeconds: config.upstream.timeouts.total },
  });
  await engine.start();

  const repos = new Map<string, RepoRuntime>();
  const runtime = (repoConfig: AppConfig['remotes'][string]) =>
    new RepoRuntime(repoConfig, plugins.get(repoConfig.package)!.plugin, logger.child({ repo: repoConfig.name }));
  for (const repoConfig of Object.values(config.remotes)) repos.set(repoConfig.name, runtime(repoConfig));
  const virtuals = new Map<string, VirtualConfig>(Object.values(config.virtuals).map((v) => [v.name, v]));
  // Repositories created through the management API: checked like the config file's, kept in the metadata store.
  const definitions = { knownPackages: plugins.types(), pluginOf: plugins.optionsInfo };
  const catalog = new RepositoryCatalog({
    meta,
    coord,
    events: engine.events,
    log: logger,
    repos,
    virtuals,
    declared: new Set([...Object.keys(config.remotes), ...Object.keys(config.virtuals)]),
    buildRemote: (name, definition) => runtime(parseRemoteDefinition(name, definition, definitions)),
    buildVirtual: (name, definition) =>
      parseVirtualDefinition(name, definition, { ...definitions, packageOf: (member) => repos.get(member)?.config.package }),
  });
  await catalog.start();
  const tokens = new TokenService(meta, coord, logger);
  await tokens.start();
  const context: ServerContext = {
    config,
    repos,
    virtuals,
    engine,
    service: new RepositoryService(engine, repos, virtuals),
    catalog,
    tokens,
    upstream,
    plugins,
    backends: { blobs, meta, coord },
    metrics: new Metrics(diskTierStats ? { diskTier: diskTierStats } : {}),
    logger,
    version: await coreVersion(),
    via,
  };
  const app = await buildApp(context, logger);
  // A unix socket (a string) cannot be the target of a redirect.
  listening = () => app.addresses().filter((a): a is AddressInfo => typeof a !== 'string');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await app.close();
      await catalog.stop();
      await tokens.stop();
      await engine.stop();
      await upstream.close();
      await pool.close();
      await Promise.allSettled([blobs.close(), meta.close(), coord.close()]);
    })());
  return { app, context, logger, close };
}


async function coreVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
