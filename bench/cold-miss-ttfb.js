// Cold-miss time to first byte in detail: N sequential cold 4 KiB misses, each through every
// build named in COLD_MISS_CLIS (default: this one) and from the origin directly, interleaved so
// drift and the machine's other load hit all of them alike. Prints the median TTFB and total of
// each, and the median of the pairwise differences to the origin (the overhead DESIGN §7 bounds).
// Usage: node bench/cold-miss-ttfb.js
//   COLD_MISS_FILES=50  COLD_MISS_SIZE=4096  COLD_MISS_CLIS=/other/core/bin/artifactapi.js,core/bin/artifactapi.js
import { resolve } from 'node:path';
import { startOrigin, blobPath } from './lib/origin.js';
import { startArtifactApi } from './lib/artifactapi.js';
import { timedGet } from './lib/timed-get.js';
import { markdownTable, fmt, median } from './lib/table.js';

const FILES = Number(process.env.COLD_MISS_FILES) > 0 ? Number(process.env.COLD_MISS_FILES) : 50;
const SIZE = Number(process.env.COLD_MISS_SIZE) > 0 ? Number(process.env.COLD_MISS_SIZE) : 4096;
const WARM_UP = 3;
const defaultCli = new URL('../core/bin/artifactapi.js', import.meta.url).pathname;
const clis = (process.env.COLD_MISS_CLIS ?? defaultCli).split(',').map((p) => resolve(p.trim())).filter(Boolean);
const run = `${process.pid}-${Date.now()}`;

const origin = await startOrigin();
const servers = [];
try {
  for (const cli of clis) servers.push(await startArtifactApi({ originPort: origin.port, cli }));
  const direct = [];
  const through = servers.map(() => ({ ttfb: [], total: [], overhead: [] }));
  for (let i = -WARM_UP; i < FILES; i++) {
    const d = await timedGet(origin.url + blobPath(SIZE, `direct-${run}-${i}`));
    const rows = [];
    for (const [n, server] of servers.entries()) rows.push(await timedGet(server.base + blobPath(SIZE, `via${n}-${run}-${i}`)));
    if (i < 0) continue;
    if (d.status !== 200 || d.bytes !== SIZE) throw new Error(`origin answered ${d.status} with ${d.bytes} bytes`);
    direct.push(d.ttfbMs);
    for (const [n, t] of rows.entries()) {
      if (t.status !== 200 || t.bytes !== SIZE || t.headers['x-artifact-cache'] !== 'MISS') {
        throw new Error(`${clis[n]} answered ${t.status} (${t.headers['x-artifact-cache']}) with ${t.bytes} bytes`);
      }
      through[n].ttfb.push(t.ttfbMs);
      through[n].total.push(t.totalMs);
      through[n].overhead.push(t.ttfbMs - d.ttfbMs);
    }
  }
  const table = markdownTable(
    ['target', 'median TTFB ms', 'median total ms', 'median overhead over origin ms'],
    [
      ['origin directly', fmt(median(direct), 2), '', ''],
      ...servers.map((_, n) => [clis[n], fmt(median(through[n].ttfb), 2), fmt(median(through[n].total), 2), fmt(median(through[n].overhead), 2)]),
    ],
  );
  console.log(`Cold misses of ${SIZE} bytes, ${FILES} per target, load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  console.log(table);
} finally {
  for (const server of servers) await server.stop();
  await origin.stop();
}
