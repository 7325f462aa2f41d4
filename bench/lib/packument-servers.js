// The two servers the packument benchmark measures, both started with eld-preload.mjs so their
// event-loop delay is read from inside: the product (core/bin/artifactapi.js serve, embedded
// backends) with an npm remote "npm" and a generic remote "origin", and the inline comparison
// server (packument-inline-server.js).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { track, trackDir, stop } from './cleanup.js';
import { freePort, waitReady } from './net.js';
import { ELD_PRELOAD_ARGS, eldEnv, readEld } from './packument-eld.js';

// ARTIFACTAPI_CLI points the benchmark at another build of the CLI (same arguments).
const CLI = process.env.ARTIFACTAPI_CLI ?? new URL('../../core/bin/artifactapi.js', import.meta.url).pathname;

// As in artifactapi.js: no variable may switch the product off the embedded backends.
const BACKEND_ENV = /^(DATABASE_URL|DB(HOST|PORT|USER|PASS|NAME)|REDIS_URL|S3_.*|MINIO_.*)$/;

function childEnv(extra) {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !BACKEND_ENV.test(name))), ...extra };
}

function configYaml(npmOriginPort, blobOriginPort) {
  return [
    'log: { level: warn }',
    // The rewrite loop names a new public base per request with X-Forwarded-Host, as a proxy in front would.
    'server: { trust_proxy: [127.0.0.1] }',
    'remotes:',
    '  npm:',
    '    type: remote',
    '    package: npm',
    `    base_url: http://127.0.0.1:${npmOriginPort}`,
    // Long enough that no packument is revalidated during a run: every request is a hit.
    '    cache: { mutable_ttl: 3600 }',
    '  origin:',
    '    type: remote',
    '    package: generic',
    `    base_url: http://127.0.0.1:${blobOriginPort}`,
    '',
  ].join('\n');
}

function handle(name, port, child, dir, eldFile, bases) {
  return {
    name,
    port,
    pid: child.pid,
    ...bases,
    /** Event-loop delay since the previous call: { count, p50, p99, max, mean } in ms. */
    eld: () => readEld(child, eldFile),
    async stop() {
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts ArtifactAPI with the npm remote on `npmOriginPort` and the generic one on
 * `blobOriginPort`. Returns { name, port, pid, npmBase, blobBase, eld(), stop() }.
 */
export async function startProduct({ npmOriginPort, blobOriginPort }) {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npx tsc -b\` first`);
  const dir = trackDir(mkdtempSync(join(tmpdir(), 'bench-pkm-aapi-')));
  const eldFile = join(dir, 'eld.json');
  const port = await freePort();
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, configYaml(npmOriginPort, blobOriginPort));
  const args = [...ELD_PRELOAD_ARGS, CLI, 'serve', '--config', configFile, '--listen', `127.0.0.1:${port}`, '--data', join(dir, 'data')];
  const child = track(spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'], env: childEnv(eldEnv(eldFile)) }));
  try {
    await waitReady(port, '/health', { child, name: 'artifactapi' });
  } catch (err) {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const root = `http://127.0.0.1:${port}/api/v1/remote`;
  return handle('artifactapi', port, child, dir, eldFile, { npmBase: `${root}/npm`, blobBase: `${root}/origin` });
}

/**
 * Starts the inline server on the packument in `file` (package `name`). Returns
 * { name, port, pid, rewriteUrl, hitUrl, bodyBase, eld(), stop() }.
 */
export async function startInline({ file, name }) {
  const dir = trackDir(mkdtempSync(join(tmpdir(), 'bench-pkm-inline-')));
  const eldFile = join(dir, 'eld.json');
  const script = new URL('./packument-inline-server.js', import.meta.url).pathname;
  const child = track(
    spawn(process.execPath, [...ELD_PRELOAD_ARGS, script, '--file', file, '--name', name], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: childEnv(eldEnv(eldFile)),
    }),
  );
  const port = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line).port));
    child.once('exit', (code) => reject(new Error(`inline server exited with ${code} before listening`)));
  });
  const base = `http://127.0.0.1:${port}`;
  return handle('inline', port, child, dir, eldFile, { rewriteUrl: `${base}/rewrite`, hitUrl: `${base}/hit`, bodyBase: `${base}/body` });
}
