import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { parseConfig } from '../../src/config/index.js';
import { createServer, type ArtifactServer } from '../../src/server.js';

export interface TestProxy {
  /** Base URL of the running server, e.g. http://127.0.0.1:PORT */
  url: string;
  server: ArtifactServer;
  dataDir: string;
  close(): Promise<void>;
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface StartProxyOptions {
  dataDir?: string;
  keepData?: boolean;
  /** Replaces the silent (or AAPI_TEST_LOG level) logger, e.g. to read the warnings it writes. */
  logger?: Logger;
  /** Where plugins are discovered, e.g. a pluginSandbox; default: the server's own search paths. */
  pluginSearchFrom?: string[];
}

/**
 * Starts a real ArtifactAPI server on 127.0.0.1:0 from a YAML config, with its own data
 * directory; closes it and removes the directory at the end of the test.
 */
export async function startProxy(t: Teardown, yaml: string, options: StartProxyOptions = {}): Promise<TestProxy> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'aapi-test-')));
  const config = parseConfig(yaml, { dataDir, env: {} });
  const server = await createServer({
    config,
    logger: options.logger ?? pino({ level: process.env.AAPI_TEST_LOG ?? 'silent' }),
    pluginSearchFrom: options.pluginSearchFrom,
  });
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (server.app.server.address() as AddressInfo).port;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await server.close();
  };
  t.teardown(async () => {
    await close();
    if (!options.keepData && !options.dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  return { url: `http://127.0.0.1:${port}`, server, dataDir, close };
}

/** A generic remote repository named `up` on `baseUrl`, plus extra YAML under `remotes:`. */
export function genericRemote(baseUrl: string, extra = ''): string {
  return `
auth: { admin_token: test-token }
remotes:
  up:
    type: remote
    package: generic
    base_url: ${baseUrl}
${extra.replace(/^/gm, '    ')}
`;
}
