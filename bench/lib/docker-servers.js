// The docker bench's servers, each its own process on 127.0.0.1, killed when the bench ends:
// a CNCF distribution registry (Debian's `docker-registry`, 2.8) as the origin, with its access
// log on so upstream GETs can be counted; a second one as a pull-through cache of the origin
// (`proxy.remoteurl`, the peer); nginx as a proxy_cache of the origin's /v2 (one process, as in
// lib/nginx.js); and the product with a docker remote `hub` on the origin.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { track, trackDir, stop } from './cleanup.js';
import { freePort, waitReady } from './net.js';
import { launchNginx } from './nginx.js';

const REGISTRY_BIN = process.env.DOCKER_REGISTRY_BIN ?? 'docker-registry';
const CLI = process.env.ARTIFACTAPI_CLI ?? new URL('../../core/bin/artifactapi.js', import.meta.url).pathname;
const BACKEND_ENV = /^(DATABASE_URL|DB(HOST|PORT|USER|PASS|NAME)|REDIS_URL|S3_.*|MINIO_.*)$/;

/**
 * Starts a distribution registry (filesystem storage in a temp dir); `proxy` makes it a
 * pull-through cache of that URL; `accessLog` keeps its access log (in `log()`).
 * Returns { name, url, port, pid, log(), stop() }.
 */
export async function startDistribution({ name, proxy, accessLog = false }) {
  const dir = trackDir(mkdtempSync(join(tmpdir(), 'bench-registry-')));
  const port = await freePort();
  const config = {
    version: 0.1,
    log: { level: 'warn', accesslog: { disabled: !accessLog } },
    storage: { filesystem: { rootdirectory: join(dir, 'data') }, delete: { enabled: true }, maintenance: { uploadpurging: { enabled: false } } },
    http: { addr: `127.0.0.1:${port}`, secret: 'artifactapi-bench-secret' },
    ...(proxy ? { proxy: { remoteurl: proxy } } : {}),
  };
  writeFileSync(join(dir, 'config.yml'), `${JSON.stringify(config, null, 2)}\n`);
  const logFile = join(dir, 'out.log');
  const fd = openSync(logFile, 'a');
  let child;
  try {
    child = track(spawn(REGISTRY_BIN, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', fd, fd] }));
  } finally {
    closeSync(fd);
  }
  await waitReady(port, '/v2/', { child, name });
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    log: () => readFileSync(logFile, 'utf8'),
    async stop() {
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** nginx (one process) caching the origin's `/v2/…/blobs/` and manifests for 1 h; returns { name, url, pid, stop() }. */
export async function startDockerNginx({ originPort }) {
  const cached = (key) => `
      proxy_pass http://127.0.0.1:${originPort};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_cache bench;
      proxy_cache_key ${key};
      proxy_cache_valid 200 1h;
      proxy_cache_lock on;
      proxy_cache_lock_timeout 60s;
      proxy_cache_lock_age 60s;
      add_header X-Artifact-Cache $upstream_cache_status;`;
  return launchNginx(
    () => `
    # Blobs are content-addressed: the URI is the key.
    location ~ ^/v2/.+/blobs/sha256: {${cached('$request_uri')}
    }
    # Manifests: the Accept header is part of the key (nginx knows nothing of tags; no revalidation).
    location ~ ^/v2/.+/manifests/ {${cached('$request_uri$http_accept')}
    }
    location /v2/ {
      proxy_pass http://127.0.0.1:${originPort};
    }`,
  );
}

/**
 * The product (embedded backends, default log to a file) with a docker remote `hub` on the
 * origin; tags stay fresh for `mutableTtl` s. Returns { name, url, pid, stop() }.
 */
export async function startDockerArtifactApi({ originUrl, mutableTtl = 3600 }) {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npx tsc -b\` first`);
  const dir = trackDir(mkdtempSync(join(tmpdir(), 'bench-aapi-docker-')));
  const port = await freePort();
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, ['remotes:', '  hub:', '    type: remote', '    package: docker', `    base_url: ${originUrl}`, `    cache: { mutable_ttl: ${mutableTtl} }`, ''].join('\n'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([n]) => !BACKEND_ENV.test(n)));
  const fd = openSync(join(dir, 'server.log'), 'a');
  let child;
  try {
    child = track(spawn(process.execPath, [CLI, 'serve', '--config', configFile, '--listen', `127.0.0.1:${port}`, '--data', join(dir, 'data')], { stdio: ['ignore', fd, 'inherit'], env }));
  } finally {
    closeSync(fd);
  }
  await waitReady(port, '/health', { child, name: 'artifactapi' });
  return {
    name: 'artifactapi',
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    async stop() {
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
