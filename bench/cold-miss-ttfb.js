// Cold-miss time to first byte in detail: N sequential cold misses, each through every build
// named in COLD_MISS_CLIS (default: this one) and every peer in COLD_MISS_PEERS (e.g. nginx), and
// from the origin directly, interleaved so drift and the machine's other load hit all of them
// alike; first on servers just started, then again after each has made COLD_MISS_WARM more misses
// (a server in service). Prints the median TTFB and total of each, and the median of the pairwise
// differences to the origin (the overhead DESIGN §7 bounds). The origin is a Node process too, just
// started as well: COLD_MISS_WARM_ORIGIN=N first sends it N GETs on a kept-alive connection (as a
// proxy's) and N on new ones (as the direct GETs), so the first phase shows the servers' own start.
// Usage: node bench/cold-miss-ttfb.js
//   COLD_MISS_FILES=50  COLD_MISS_SIZE=4096  COLD_MISS_WARM=300  COLD_MISS_WARM_ORIGIN=0  COLD_MISS_PEERS=nginx
//   COLD_MISS_CLIS=/other/core/bin/artifactapi.js,core/bin/artifactapi.js
//   COLD_MISS_DISTRIBUTED=1 (the builds on S3, PostgreSQL and Redis, as the distributed target)
import { resolve } from 'node:path';
import { loadavg } from 'node:os';
import { Agent } from 'node:http';
import { blobPath, startOrigin } from './lib/origin.js';
import { startArtifactApi } from './lib/artifactapi.js';
import { startServer } from './lib/servers.js';
import { timedGet } from './lib/timed-get.js';
import { coldTtfb, warmUp } from './lib/cold-ttfb.js';
import { markdownTable, fmt } from './lib/table.js';

const FILES = Number(process.env.COLD_MISS_FILES) > 0 ? Number(process.env.COLD_MISS_FILES) : 50;
const SIZE = Number(process.env.COLD_MISS_SIZE) > 0 ? Number(process.env.COLD_MISS_SIZE) : 4096;
const WARM = Math.max(0, Number(process.env.COLD_MISS_WARM ?? 300) || 0);
const WARM_ORIGIN = Math.max(0, Number(process.env.COLD_MISS_WARM_ORIGIN ?? 0) || 0);
const DISTRIBUTED = process.env.COLD_MISS_DISTRIBUTED === '1';
const peers = (process.env.COLD_MISS_PEERS ?? '').split(',').map((p) => p.trim()).filter(Boolean);
const defaultCli = new URL('../core/bin/artifactapi.js', import.meta.url).pathname;
const clis = (process.env.COLD_MISS_CLIS ?? defaultCli).split(',').map((p) => resolve(p.trim())).filter(Boolean);
const run = `${process.pid}-${Date.now()}`;

const origin = await startOrigin();
const servers = [];
const labels = [...peers, ...clis];
try {
  if (WARM_ORIGIN > 0) {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < WARM_ORIGIN; i++) {
      await timedGet(origin.url + blobPath(SIZE, `origin-warm-kept-${run}-${i}`), { agent });
      await timedGet(origin.url + blobPath(SIZE, `origin-warm-new-${run}-${i}`));
    }
    agent.destroy();
  }
  for (const peer of peers) servers.push(await startServer(peer, { originPort: origin.port }));
  for (const cli of clis) servers.push(await startArtifactApi({ originPort: origin.port, cli, distributed: DISTRIBUTED }));
  const bases = servers.map((s) => s.base);
  const fresh = await coldTtfb(bases, origin.url, { files: FILES, size: SIZE, label: `fresh-${run}`, strict: true });
  const phases = [['just started', fresh]];
  if (WARM > 0) {
    for (const [n, base] of bases.entries()) await warmUp(base, WARM, `${run}-${n}`);
    phases.push([`after ${WARM} more misses`, await coldTtfb(bases, origin.url, { files: FILES, size: SIZE, label: `served-${run}`, strict: true })]);
  }
  const rows = [];
  for (const [phase, results] of phases) {
    rows.push([`origin directly (${phase})`, fmt(results[0].originMs, 2), '', '']);
    for (const [n, r] of results.entries()) rows.push([`${labels[n]} (${phase})`, fmt(r.medianMs, 2), fmt(r.medianTotalMs, 2), fmt(r.overheadMs, 2)]);
  }
  const warmedOrigin = WARM_ORIGIN > 0 ? `, origin warmed by ${WARM_ORIGIN} + ${WARM_ORIGIN} GETs` : '';
  console.log(`Cold misses of ${SIZE} bytes, ${FILES} per target and phase${warmedOrigin}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  console.log(markdownTable(['target', 'median TTFB ms', 'median total ms', 'median overhead over origin ms'], rows));
} finally {
  for (const server of servers) await server.stop();
  await origin.stop();
}
