// Runs wrk (Debian's package, a native load generator) against a loopback URL: one thread, so it
// takes one of the 2 cores and the server the other. autocannon, a JavaScript generator, saturated
// before nginx did and flattered the product's ratio (issue 11).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trackDir } from './cleanup.js';
import { loadProcess } from './load.js';
import { duration as defaultDuration } from './settings.js';

// Prints the summary as one JSON line after the load (latency in microseconds).
const REPORT_LUA = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"bytes":%d,"us":%d,"p50":%d,"p99":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\\n',
    summary.requests, summary.bytes, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
`;

let script;

function wrkBinary() {
  for (const candidate of ['/usr/bin/wrk', '/usr/local/bin/wrk']) if (existsSync(candidate)) return candidate;
  return undefined;
}

/** The wrk binary, installed with apt-get (Debian's package) when it is missing. */
export function ensureWrk() {
  let binary = wrkBinary();
  if (binary) return binary;
  console.error('[bench] wrk missing: apt-get install -y wrk');
  const install = () => spawnSync('apt-get', ['install', '-y', 'wrk'], { stdio: ['ignore', 'ignore', 'inherit'] }).status;
  if (install() !== 0) {
    spawnSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'] });
    install();
  }
  binary = wrkBinary();
  if (!binary) throw new Error('wrk not found and `apt-get install -y wrk` failed: install it by hand');
  return binary;
}

/**
 * Loads `url` with wrk (1 thread, `connections` keep-alive connections, `duration` s), sending
 * `headers`. Resolves with { reqPerSec, bytesPerSec, latencyP50, latencyP99 (ms), requests,
 * errors, timeouts, non2xx }, the shape lib/load.js gives.
 */
export async function runWrk({ url, connections, duration = defaultDuration, headers = {} }) {
  if (!/^http:\/\/127\.0\.0\.1[:/]/.test(url)) throw new Error(`refusing non-loopback target ${url}`);
  const binary = ensureWrk();
  if (!script) {
    script = join(trackDir(mkdtempSync(join(tmpdir(), 'bench-wrk-'))), 'report.lua');
    writeFileSync(script, REPORT_LUA);
  }
  const headerArgs = Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
  const args = ['-t1', `-c${connections}`, `-d${duration}s`, '--timeout', '30s', '-s', script, ...headerArgs, url];
  const line = await loadProcess(binary, args, duration, `wrk for ${url}`);
  if (!line.startsWith('{')) throw new Error(`wrk printed no summary for ${url}: ${line}`);
  const r = JSON.parse(line);
  const seconds = r.us / 1e6;
  return {
    reqPerSec: r.requests / seconds,
    bytesPerSec: r.bytes / seconds,
    latencyP50: r.p50 / 1000,
    latencyP99: r.p99 / 1000,
    requests: r.requests,
    errors: r.connect + r.read + r.write,
    timeouts: r.timeout,
    non2xx: r.status,
  };
}

/** The columns each wrk result is reported in: [label, pick(result), decimals]. */
export const WRK_METRICS = [
  ['req/s', (r) => r.reqPerSec, 0],
  ['MB/s', (r) => r.bytesPerSec / 1e6, 0],
  ['p99 ms', (r) => r.latencyP99, 1],
  ['peak RSS MiB', (r) => r.peakRssMiB, 1],
];
