// Starts Verdaccio (the npm proxy most often compared with) as a peer in the packument
// benchmark, when BENCH_VERDACCIO_DIR names an npm prefix it is installed under (see
// bench/README.md): an uplink "origin" to the same packument origin, every package proxied, its
// own storage in a temp dir, logging errors only.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { track, trackDir, stop } from './cleanup.js';
import { freePort, waitReady } from './net.js';

/** The Verdaccio entry script under BENCH_VERDACCIO_DIR, or undefined when it is not installed there. */
export function verdaccioBin() {
  const prefix = process.env.BENCH_VERDACCIO_DIR;
  const bin = prefix && join(prefix, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
  return bin && existsSync(bin) ? bin : undefined;
}

function configYaml(dir, originPort) {
  return [
    `storage: ${JSON.stringify(join(dir, 'storage'))}`,
    'uplinks:',
    '  origin:',
    `    url: http://127.0.0.1:${originPort}/`,
    // As the product's mutable_ttl: no packument goes back to the origin during a run.
    '    maxage: 1h',
    '    timeout: 120s',
    'packages:',
    "  '**':",
    '    access: $all',
    '    publish: $authenticated',
    '    proxy: origin',
    'web: { enable: false }',
    'max_body_size: 200mb',
    'log: { type: stdout, format: pretty, level: error }',
    '',
  ].join('\n');
}

/** Starts Verdaccio in front of `originPort`; returns { name, port, pid, npmBase, stop() }. */
export async function startVerdaccio({ originPort }) {
  const bin = verdaccioBin();
  if (!bin) throw new Error('Verdaccio is not installed under BENCH_VERDACCIO_DIR');
  const dir = trackDir(mkdtempSync(join(tmpdir(), 'bench-verdaccio-')));
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, configYaml(dir, originPort));
  const port = await freePort();
  const child = track(
    spawn(process.execPath, [bin, '--config', configFile, '--listen', `http://127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'inherit'] }),
  );
  try {
    await waitReady(port, '/-/ping', { child, name: 'verdaccio', timeoutMs: 60_000 });
  } catch (err) {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    name: 'verdaccio',
    port,
    pid: child.pid,
    npmBase: `http://127.0.0.1:${port}`,
    async stop() {
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
