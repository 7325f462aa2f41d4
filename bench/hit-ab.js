// Cache hits of one case through several builds of the product (and, for reference, nginx and the
// bare node:http server), loaded in turn round after round, so the machine's drift hits all of
// them alike: the way to tell whether a change made hits cheaper on a machine whose figures swing
// by 1.5x between runs. Per round it prints req/s, the server's CPU time per request, and the CPU
// time the rest of the machine (mostly wrk) spent per request.
// Usage: node bench/hit-ab.js
//   HIT_AB_CLIS=/other/core/bin/artifactapi.js,core/bin/artifactapi.js  (default: this build)
//   HIT_AB_PEERS=nginx,node-http (raw-socket too)  HIT_AB_SIZE=4096 (or "packument")  HIT_AB_ROUNDS=3  BENCH_DURATION=5
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { blobPath, startOrigin } from './lib/origin.js';
import { packumentName, startPackumentOrigin } from './lib/packument-origin.js';
import { startServer } from './lib/servers.js';
import { measureCpu } from './lib/cpu.js';
import { timedGet } from './lib/timed-get.js';
import { runWrk } from './lib/wrk.js';
import { duration } from './lib/settings.js';
import { markdownTable, fmt } from './lib/table.js';

const defaultCli = new URL('../core/bin/artifactapi.js', import.meta.url).pathname;
const clis = (process.env.HIT_AB_CLIS ?? defaultCli).split(',').map((p) => resolve(p.trim())).filter(Boolean);
const peers = (process.env.HIT_AB_PEERS ?? 'nginx,node-http').split(',').map((p) => p.trim()).filter(Boolean);
const packument = process.env.HIT_AB_SIZE === 'packument';
const size = packument ? undefined : Number(process.env.HIT_AB_SIZE ?? 4096);
const rounds = Math.max(1, Number(process.env.HIT_AB_ROUNDS ?? 3) || 3);
const headers = packument ? { accept: 'application/json' } : {};

/** Busy and idle CPU time of the whole machine so far, in clock ticks (/proc/stat). */
function machineTicks() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = fields[3] + fields[4];
  return { busy: fields.reduce((a, b) => a + b, 0) - idle, idle };
}

const origin = await startOrigin();
const npmOrigin = await startPackumentOrigin();
const targets = [];
try {
  const options = { originPort: origin.port, npmOriginPort: npmOrigin.port };
  for (const peer of peers) targets.push({ label: peer, server: await startServer(peer, options) });
  for (const cli of clis) targets.push({ label: cli, server: await startServer('artifactapi', { ...options, cli }) });
  for (const target of targets) {
    const { server } = target;
    target.url = packument ? `${server.npmBase}/${packumentName(200_000)}` : server.base + blobPath(size, `hit-${size}`);
    for (let i = 0; i < 3; i++) await timedGet(target.url, headers);
    await runWrk({ url: target.url, connections: 16, duration: 2, headers }); // JIT warm-up
    target.rounds = [];
  }
  for (let round = 0; round < rounds; round++) {
    for (const target of targets) {
      const stopCpu = measureCpu(target.server.pid);
      const before = machineTicks();
      const load = await runWrk({ url: target.url, connections: 16, headers });
      const serverSeconds = stopCpu();
      const machineSeconds = (machineTicks().busy - before.busy) / 100;
      target.rounds.push(
        `${fmt(load.reqPerSec)}/s, ${fmt((serverSeconds * 1e6) / load.requests, 1)} µs (rest ${fmt(((machineSeconds - serverSeconds) * 1e6) / load.requests, 1)} µs)`,
      );
    }
  }
  console.log(`Hits of ${packument ? 'the 200 KB packument' : `${size} bytes`} @16, ${duration} s per load, ${rounds} rounds, load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  console.log(markdownTable(['target', ...Array.from({ length: rounds }, (_, i) => `round ${i + 1}: req/s, server CPU per request (rest of the machine)`)], targets.map((t) => [t.label, ...t.rounds])));
} finally {
  for (const { server } of targets) await server.stop();
  await origin.stop();
  await npmOrigin.stop();
}
