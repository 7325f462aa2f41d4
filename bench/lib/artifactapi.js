// Starts the product (core/bin/artifactapi.js serve) with a generic remote called "origin"
// in front of the origin server, a fresh --data dir, and the default log (info: a line per
// request, written to server.log in the temp dir; nginx logs too): with the embedded
// backends (fs + SQLite + in-process), or with `distributed` on S3 (an s3rver) + PostgreSQL +
// Redis (lib/backends.js).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, existsSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { track, trackDir, stop } from './cleanup.js';
import { freePort, waitReady } from './net.js';
import { startDistributedBackends } from './backends.js';

// ARTIFACTAPI_CLI points the benchmark at another build of the CLI (same arguments).
const CLI = process.env.ARTIFACTAPI_CLI ?? new URL('../../core/bin/artifactapi.js', import.meta.url).pathname;

// Variables that would switch the product's backends over the config file's choice: the child
// gets none of them, so each target runs on exactly the backends it is named after.
const BACKEND_ENV = /^(DATABASE_URL|DB(HOST|PORT|USER|PASS|NAME)|REDIS_URL|S3_.*|MINIO_.*)$/;

function childEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !BACKEND_ENV.test(name)));
}

function configYaml(originPort, npmOriginPort, backends) {
  // JSON objects are YAML flow mappings, so backend settings go in as they are.
  const backendLines = backends
    ? ['storage', 'metadata', 'coordination'].map((key) => `${key}: ${JSON.stringify(backends[key])}`)
    : [];
  return [
    ...backendLines,
    'remotes:',
    '  origin:',
    '    type: remote',
    '    package: generic',
    `    base_url: http://127.0.0.1:${originPort}`,
    // Packuments stay fresh for the whole run, as nginx's proxy_cache_valid keeps them: hits only.
    ...(npmOriginPort
      ? ['  npm:', '    type: remote', '    package: npm', `    base_url: http://127.0.0.1:${npmOriginPort}`, '    cache: { mutable_ttl: 3600 }']
      : []),
    '',
  ].join('\n');
}

/**
 * Starts ArtifactAPI in front of `originPort` (and an npm remote "npm" on `npmOriginPort`); returns
 * { name, port, base, npmBase, pid, dir, stop() }. `cli` runs another build's artifactapi.js,
 * `execArgv` are node options for it (e.g. `--cpu-prof`), `data` a data directory to reuse (the caller
 * removes it). With
 * `distributed`, rejects with BackendUnavailable when PostgreSQL or Redis is down.
 */
export async function startArtifactApi({ originPort, npmOriginPort, distributed = false, cli = CLI, execArgv = [], data }) {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npx tsc -b\` first`);
  const name = distributed ? 'artifactapi-distributed' : 'artifactapi';
  const backends = distributed ? await startDistributedBackends() : undefined;
  let dir;
  let child;
  try {
    dir = trackDir(mkdtempSync(join(tmpdir(), 'bench-aapi-')));
    const port = await freePort();
    const configFile = join(dir, 'config.yaml');
    writeFileSync(configFile, configYaml(originPort, npmOriginPort, backends));
    // The default config logs one line per request on stdout: to a file, as nginx's access log.
    const logFd = openSync(join(dir, 'server.log'), 'a');
    try {
      child = track(
        spawn(process.execPath, [...execArgv, cli, 'serve', '--config', configFile, '--listen', `127.0.0.1:${port}`, '--data', data ?? join(dir, 'data')], {
          stdio: ['ignore', logFd, 'inherit'],
          env: childEnv(),
        }),
      );
    } finally {
      closeSync(logFd);
    }
    await waitReady(port, '/health', { child, name });
    return {
      name,
      port,
      base: `http://127.0.0.1:${port}/api/v1/remote/origin`,
      npmBase: `http://127.0.0.1:${port}/api/v1/remote/npm`,
      pid: child.pid,
      dir,
      async stop() {
        await stop(child);
        rmSync(dir, { recursive: true, force: true });
        await backends?.stop();
      },
    };
  } catch (err) {
    if (child) await stop(child);
    if (dir) rmSync(dir, { recursive: true, force: true });
    await backends?.stop();
    throw err;
  }
}
