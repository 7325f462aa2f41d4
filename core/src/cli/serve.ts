import { DEFAULT_CONFIG_FILE, applyPluginOptions, loadConfig } from '../config/index.js';
import { PluginRegistry } from '../plugins/index.js';
import { createServer } from '../server.js';
import { reportConfigError } from './check-config.js';
import { quietLog } from './quiet-log.js';

export interface ServeOptions {
  config?: string;
  listen?: string;
  data?: string;
}

/** `artifactapi serve`: loads config, listens, and shuts down gracefully on SIGTERM/SIGINT. */
export async function serveCommand(options: ServeOptions): Promise<number> {
  const file = options.config ?? DEFAULT_CONFIG_FILE;
  let listen: { host: string; port: number };
  try {
    listen = parseListen(options.listen ?? '0.0.0.0:8000');
  } catch (err) {
    process.stderr.write(`artifactapi: ${(err as Error).message}\n`);
    return 2;
  }
  // Discovered before the config is read so that a `package:` no plugin provides is refused with
  // the other problems, before anything listens; logged once the config has named the log level.
  const plugins = await PluginRegistry.load({ log: quietLog });
  let config;
  try {
    config = applyPluginOptions(await loadConfig(file, { dataDir: options.data, knownPackages: plugins.types() }), plugins.optionsInfo, file);
  } catch (err) {
    return reportConfigError(file, err);
  }
  const server = await createServer({ config, plugins });
  const { logger } = server;
  try {
    await server.app.listen(listen);
  } catch (err) {
    logger.fatal({ err }, 'could not listen');
    await server.close();
    return 1;
  }
  logger.info({ config: file, data: config.data_dir, repositories: server.context.repos.size }, 'ready');

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  const boundMs = config.server.shutdown_timeout * 1000;
  logger.info({ signal, boundMs }, 'shutting down: no new connections, waiting for transfers in flight');
  const timer = setTimeout(() => {
    logger.warn({ boundMs }, 'transfers still running at the shutdown bound; closing their connections');
    server.app.server.closeAllConnections();
  }, boundMs);
  timer.unref();
  await server.close();
  clearTimeout(timer);
  logger.info('stopped');
  return 0;
}

/** `HOST:PORT`, `[v6]:PORT` or a bare `PORT`. */
export function parseListen(value: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(value) ?? /^()()(\d+)$/.exec(value);
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--listen must be HOST:PORT, got "${value}"`);
  }
  return { host: match[1] || match[2] || '0.0.0.0', port };
}
