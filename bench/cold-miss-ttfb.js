// Cold-miss time to first byte in detail: N sequential cold misses, each through every build
// named in COLD_MISS_CLIS (default: this one) and from the origin directly, interleaved so drift
// and the machine's other load hit all of them alike; first on servers just started, then again
// after each has made COLD_MISS_WARM more misses (a server in service). Prints the median TTFB and
// total of each, and the median of the pairwise differences to the origin (the overhead DESIGN §7 bounds).
// Usage: node bench/cold-miss-ttfb.js
//   COLD_MISS_FILES=50  COLD_MISS_SIZE=4096  COLD_MISS_WARM=300  COLD_MISS_CLIS=/other/core/bin/artifactapi.js,core/bin/artifactapi.js
import { resolve } from 'node:path';
import { loadavg } from 'node:os';
import { startOrigin } from './lib/origin.js';
import { startArtifactApi } from './lib/artifactapi.js';
import { coldTtfb, warmUp } from './lib/cold-ttfb.js';
import { markdownTable, fmt } from './lib/table.js';

const FILES = Number(process.env.COLD_MISS_FILES) > 0 ? Number(process.env.COLD_MISS_FILES) : 50;
const SIZE = Number(process.env.COLD_MISS_SIZE) > 0 ? Number(process.env.COLD_MISS_SIZE) : 4096;
const WARM = Math.max(0, Number(process.env.COLD_MISS_WARM ?? 300) || 0);
const defaultCli = new URL('../core/bin/artifactapi.js', import.meta.url).pathname;
const clis = (process.env.COLD_MISS_CLIS ?? defaultCli).split(',').map((p) => resolve(p.trim())).filter(Boolean);
const run = `${process.pid}-${Date.now()}`;

const origin = await startOrigin();
const servers = [];
try {
  for (const cli of clis) servers.push(await startArtifactApi({ originPort: origin.port, cli }));
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
    for (const [n, r] of results.entries()) rows.push([`${clis[n]} (${phase})`, fmt(r.medianMs, 2), fmt(r.medianTotalMs, 2), fmt(r.overheadMs, 2)]);
  }
  console.log(`Cold misses of ${SIZE} bytes, ${FILES} per target and phase, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  console.log(markdownTable(['target', 'median TTFB ms', 'median total ms', 'median overhead over origin ms'], rows));
} finally {
  for (const server of servers) await server.stop();
  await origin.stop();
}
