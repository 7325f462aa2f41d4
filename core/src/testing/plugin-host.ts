import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { ArtifactPlugin } from '@artifactapi/plugin-sdk';
import { parseConfig } from '../config/index.js';
import { AapiError } from '../errors.js';
import { taskRefProblem } from '../plugins/check-task-refs.js';
import { loadPlugin } from '../plugins/load-plugin.js';
import { withDefaults } from '../plugins/plugin-defaults.js';
import { PluginRegistry } from '../plugins/registry.js';
import type { LoadedPlugin } from '../plugins/types.js';
import { createServer, type ArtifactServer } from '../server.js';

export interface PluginHostOptions {
  /**
   * The plugin under test: its package directory (a path or `file:` URL, loaded through the real
   * loader as `serve` would, package.json `artifactapi` field included), or the object its entry
   * exports (made with `definePlugin`).
   */
  plugin: string | URL | ArtifactPlugin;
  /**
   * Repositories by name, as under `remotes:` in the config (`type`, `base_url`, the plugin's own
   * keys…); `package` defaults to the plugin's type.
   */
  repos: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Virtual repositories by name, as under `virtuals:`; `package` defaults to the plugin's type. */
  virtuals?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** `auth.admin_token`, which uploads and publishes need. Default `test-token`. */
  adminToken?: string;
  /** Other top-level config keys (`upstream`, `memory_cache`, `log`…), as the YAML file would hold them. */
  config?: Readonly<Record<string, unknown>>;
}

/** A running host: the product's HTTP server with the plugin installed, on 127.0.0.1. */
export interface PluginHost {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  adminToken: string;
  /** The temporary data directory (blobs, SQLite metadata, upload spool); removed by `close`. */
  dataDir: string;
  server: ArtifactServer;
  /** Stops the server and removes the data directory. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts the real ArtifactAPI server with one plugin installed, on embedded backends (fs blobs,
 * SQLite metadata, in-process coordinator) in a temporary directory, listening on a free port of
 * 127.0.0.1: a plugin's routes, hooks and tasks run exactly as in production. Logs are silent
 * unless AAPI_TEST_LOG names a level.
 */
export async function startPluginHost(options: PluginHostOptions): Promise<PluginHost> {
  const loaded = await loadUnderTest(options.plugin);
  const adminToken = options.adminToken ?? 'test-token';
  const withType = (repos: PluginHostOptions['repos'] = {}) =>
    Object.fromEntries(Object.entries(repos).map(([name, repo]) => [name, { package: loaded.type, ...repo }]));
  const doc = {
    ...options.config,
    auth: { admin_token: adminToken },
    remotes: withType(options.repos),
    ...(options.virtuals ? { virtuals: withType(options.virtuals) } : {}),
  };
  const dataDir = await realpath(await mkdtemp(join(tmpdir(), 'aapi-plugin-host-')));
  let server: ArtifactServer;
  try {
    // JSON is YAML: the config goes through the same parser and checks as a file would.
    const config = parseConfig(JSON.stringify(doc), { dataDir, env: {} });
    server = await createServer({ config, plugins: await PluginRegistry.of([loaded]), logger: pino({ level: process.env.AAPI_TEST_LOG ?? 'silent' }) });
    await server.app.listen({ host: '127.0.0.1', port: 0 });
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`,
    adminToken,
    dataDir,
    server,
    close: () =>
      (closing ??= (async () => {
        await server.close();
        await rm(dataDir, { recursive: true, force: true });
      })()),
  };
}

async function loadUnderTest(plugin: PluginHostOptions['plugin']): Promise<LoadedPlugin> {
  if (typeof plugin === 'string' || plugin instanceof URL) {
    const dir = await realpath(typeof plugin === 'string' ? resolve(plugin) : fileURLToPath(plugin));
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string; artifactapi?: unknown };
    const outcome = await loadPlugin({ packageName: pkg.name ?? dir, version: pkg.version ?? '0.0.0', dir, manifest: pkg.artifactapi });
    if (!outcome.ok) throw new AapiError('AAPI_ERR_PLUGIN_FAILED', outcome.problem.message);
    return outcome.plugin;
  }
  const problem = await taskRefProblem(plugin);
  if (problem !== null) throw new AapiError('AAPI_ERR_PLUGIN_FAILED', `plugin ${plugin.type}: ${problem}`);
  const core = withDefaults(plugin, plugin.apiVersion as 1 | 2);
  return { type: core.type, packageName: `(test) ${core.type}`, version: '0.0.0', apiVersion: plugin.apiVersion, dir: process.cwd(), plugin: core, builtin: false };
}
