#!/usr/bin/env node
// Opt-in check against the real public npm registry (needs internet; not part of `npm test`):
// starts `artifactapi serve` with one npm remote, installs a few real packages through it with the
// npm CLI (audit on), then installs them again into a fresh project with a fresh npm cache and
// checks the tarballs came from the proxy's cache.
//
//   npm run build && node test/manual/npm-public-registry.mjs [package…]
//
// NPM_UPSTREAM overrides the upstream (default https://registry.npmjs.org).
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const UPSTREAM = process.env.NPM_UPSTREAM ?? 'https://registry.npmjs.org';
const PACKAGES = process.argv.length > 2 ? process.argv.slice(2) : ['left-pad@1.3.0', 'chalk@4.1.2', '@sindresorhus/is@4.6.0', 'semver@^7', 'debug@4'];

function run(cmd, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, out }));
  });
}

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** npm with nothing from the caller's npm config, an empty user config and its own cache. */
async function npmInstall(work, label, registry) {
  const dir = join(work, label);
  await mkdir(join(dir, 'project'), { recursive: true });
  await writeFile(join(dir, 'npmrc'), '');
  const dependencies = Object.fromEntries(
    PACKAGES.map((spec) => {
      const at = spec.lastIndexOf('@');
      return at > 0 ? [spec.slice(0, at), spec.slice(at + 1)] : [spec, '*'];
    }),
  );
  await writeFile(join(dir, 'project/package.json'), JSON.stringify({ name: 'manual-check', version: '1.0.0', private: true, dependencies }));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  Object.assign(env, { npm_config_userconfig: join(dir, 'npmrc'), npm_config_update_notifier: 'false', npm_config_fund: 'false' });
  const started = Date.now();
  const result = await run('npm', ['install', `--registry=${registry}`, '--cache', join(dir, 'cache'), '--prefer-online'], { cwd: join(dir, 'project'), env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.code !== 0) throw new Error(`${label}: npm install failed (exit ${result.code}):\n${result.out}`);
  for (const name of Object.keys(dependencies)) {
    const manifest = JSON.parse(await readFile(join(dir, 'project/node_modules', name, 'package.json'), 'utf8'));
    console.log(`  ${label}: ${name}@${manifest.version}`);
  }
  const lock = JSON.parse(await readFile(join(dir, 'project/package-lock.json'), 'utf8'));
  const resolved = Object.values(lock.packages).map((p) => p.resolved).filter(Boolean);
  const elsewhere = resolved.filter((url) => !url.startsWith(registry));
  if (elsewhere.length > 0) throw new Error(`${label}: tarballs resolved outside the proxy: ${elsewhere.join(', ')}`);
  console.log(`  ${label}: ${resolved.length} packages in ${seconds} s, all through the proxy`);
  return resolved;
}

async function main() {
  const work = await mkdtemp(join(tmpdir(), 'aapi-npm-public-'));
  const port = await freePort();
  const config = join(work, 'config.yaml');
  await writeFile(config, `remotes:\n  npmjs:\n    type: remote\n    package: npm\n    base_url: ${UPSTREAM}\n`);
  const server = spawn(process.execPath, [join(ROOT, 'core/bin/artifactapi.js'), 'serve', '--config', config, '--listen', `127.0.0.1:${port}`, '--data', join(work, 'data')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const registry = `${base}/api/v1/remote/npmjs/`;
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/health`)).ok) break;
      } catch {
        if (i > 100) throw new Error('the proxy did not start');
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`proxy ${registry} → ${UPSTREAM}; packages: ${PACKAGES.join(' ')}`);
    const resolved = await npmInstall(work, 'first', registry);
    await npmInstall(work, 'second', registry);
    const sample = await fetch(resolved[0]);
    await sample.arrayBuffer();
    const cache = sample.headers.get('x-artifact-cache');
    if (cache !== 'HIT') throw new Error(`${resolved[0]} answered X-Artifact-Cache: ${cache}, expected HIT`);
    console.log(`  ${resolved[0]} → X-Artifact-Cache: HIT`);
    console.log('ok');
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('close', r));
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
