// Starts Debian's nginx as a proxy_cache in front of the origin, with every path (config, pid,
// logs, cache, temp) in a fresh temp dir. `master_process off`: nginx serves from one process,
// as the product serves from one Node event loop, so on a 2-core box each gets one core to serve
// with and the other is left to the load generator; it also means killing that one process
// cannot orphan workers. URLs mirror the product's: /api/v1/remote/origin/<path> -> <origin>/<path>,
// and with `npmOriginPort` /api/v1/remote/npm/<name> -> <npm origin>/<name>. The request log is on
// (nginx's default combined format, to a file), as the product logs every request by default.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { track, trackDir, stop } from './cleanup.js';
import { freePort, waitReady } from './net.js';

function nginxBinary() {
  for (const candidate of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx']) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('nginx not found: install it with `apt-get update && apt-get install -y nginx`');
}

function cachedLocation(prefix, upstreamPort) {
  return `
    location ${prefix} {
      proxy_pass http://127.0.0.1:${upstreamPort}/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_cache bench;
      proxy_cache_valid 200 1h;
      proxy_cache_lock on;
      # The default 5 s lock timeout would let waiting clients go upstream on a slow origin.
      proxy_cache_lock_timeout 60s;
      proxy_cache_lock_age 60s;
      add_header X-Artifact-Cache $upstream_cache_status;
    }`;
}

/** The whole nginx.conf: one process, request log on, every path under `dir`, one server with `locations`. */
function config({ dir, port, locations }) {
  const isRoot = process.getuid?.() === 0;
  return `
${isRoot ? 'user root;' : ''}
master_process off;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log ${dir}/access.log;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  default_type application/octet-stream;
  client_body_temp_path ${dir}/client_temp;
  proxy_temp_path ${dir}/proxy_temp;
  fastcgi_temp_path ${dir}/fastcgi_temp;
  uwsgi_temp_path ${dir}/uwsgi_temp;
  scgi_temp_path ${dir}/scgi_temp;
  proxy_cache_path ${dir}/cache levels=1:2 keys_zone=bench:10m max_size=20g inactive=1h use_temp_path=off;
  server {
    listen 127.0.0.1:${port};
    location = /health { return 200 "ok\\n"; }
${locations}
  }
}
`;
}

/**
 * Starts nginx with the server locations `locationsFor(port)` gives; returns { name, port, url,
 * pid, stop() }.
 */
export async function launchNginx(locationsFor) {
  const dir = trackDir(mkdtempSync(join(tmpdir(), 'bench-nginx-')));
  mkdirSync(join(dir, 'cache'));
  const port = await freePort();
  writeFileSync(join(dir, 'nginx.conf'), config({ dir, port, locations: locationsFor(port) }));
  const child = track(
    spawn(nginxBinary(), ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], {
      stdio: ['ignore', 'inherit', 'inherit'],
    }),
  );
  await waitReady(port, '/health', { child, name: 'nginx' });
  return {
    name: 'nginx',
    port,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    async stop() {
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** nginx's version string ("nginx/1.22.1"), or "nginx absent". */
export function nginxVersion() {
  try {
    // nginx -v prints to stderr.
    const { stderr } = spawnSync(nginxBinary(), ['-v'], { encoding: 'utf8' });
    return stderr.trim().replace(/^nginx version: /, '') || 'nginx (unknown version)';
  } catch {
    return 'nginx absent';
  }
}

/** Starts nginx in front of `originPort` (and `npmOriginPort`); returns { name, port, base, npmBase, pid, stop() }. */
export async function startNginx({ originPort, npmOriginPort }) {
  const nginx = await launchNginx(() =>
    [cachedLocation('/api/v1/remote/origin/', originPort), npmOriginPort ? cachedLocation('/api/v1/remote/npm/', npmOriginPort) : ''].join('\n'),
  );
  return { ...nginx, base: `${nginx.url}/api/v1/remote/origin`, npmBase: `${nginx.url}/api/v1/remote/npm` };
}
