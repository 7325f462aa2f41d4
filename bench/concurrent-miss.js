// Cold misses. (1) 50 clients GET the same fresh 64 MiB file at once through each server, from
// an origin limited to 32 MiB/s: how many GETs reach the origin, and how long clients wait,
// against one client fetching it from the origin directly. (2) Time to first byte of a single
// cold 4 KiB miss through each server, minus the origin's own: on the server just started, and
// again once it has made a few hundred more misses (a server in service).
import { pathToFileURL } from 'node:url';
import { startOrigin, blobPath, expectedPrefix } from './lib/origin.js';
import { startServerOrSkip } from './lib/servers.js';
import { coldTtfb, warmUp } from './lib/cold-ttfb.js';
import { rawGet } from './lib/raw-get.js';
import { markdownTable, fmt, median, ratio } from './lib/table.js';
import { targets, isQuick, KiB, MiB } from './lib/settings.js';

const SIZE = 64 * MiB;
const RATE = 32 * MiB;
const CLIENTS = 50;
const TTFB_FILES = isQuick ? 5 : 20;
/** Misses a server makes between the two TTFB phases: one just started, one in service. */
const TTFB_WARM_UP = isQuick ? 20 : 300;
const run = `${process.pid}-${Date.now()}`;
const notes = [];

function summarize(results, name, size) {
  const ok = results.filter((r) => r.status === 200 && r.bytes === size && r.head.equals(expectedPrefix(name, size)));
  return {
    ok: ok.length,
    total: results.length,
    medianTotalMs: median(ok.map((r) => r.totalMs)),
    maxTotalMs: Math.max(...ok.map((r) => r.totalMs)),
    medianTtfbMs: median(ok.map((r) => r.ttfbMs)),
  };
}

async function stampede(base, origin, label, name = `miss-${label}-${run}`) {
  const path = blobPath(SIZE, name);
  const clients = Array.from({ length: label === 'origin' ? 1 : CLIENTS }, () =>
    rawGet(base + path).catch((err) => ({ status: 0, bytes: 0, head: Buffer.alloc(0), error: err })),
  );
  const results = await Promise.all(clients);
  const failures = results.filter((r) => r.status !== 200 || r.bytes !== SIZE).map((r) => r.error?.message ?? `${r.status}, ${r.bytes} bytes`);
  if (failures.length) notes.push(`${label}: ${failures.length} clients failed, e.g. ${failures[0]}`);
  return { ...summarize(results, name, SIZE), upstreamGets: await origin.gets(path) };
}

/** The nginx row the row `name` compares with: the miss row, or the "again" row. */
function nginxRowFor(name) {
  if (name === 'origin') return undefined;
  return name.endsWith('-again') ? 'nginx-again' : 'nginx';
}

function label(name) {
  if (name === 'origin') return 'origin alone (1 client)';
  if (name.endsWith('-again')) return `${name.slice(0, -6)}, same file again (all hits)`;
  return `${name} (${CLIENTS} clients)`;
}

/** Runs the cold-miss benchmarks; resolves with { title, table, notes } for each of the two tables. */
export async function concurrentMiss() {
  const origin = await startOrigin({ rate: RATE });
  const rows = {};
  const ttfb = {};
  try {
    rows.origin = await stampede(origin.url, origin, 'origin');
    for (const name of targets) {
      const server = await startServerOrSkip(name, { originPort: origin.port }, notes);
      if (!server) continue;
      try {
        const ttfbOptions = { files: TTFB_FILES, size: 4 * KiB };
        [ttfb[name]] = await coldTtfb([server.base], origin.url, { ...ttfbOptions, label: `${name}-${run}` });
        rows[name] = await stampede(server.base, origin, name);
        // The same 50 GETs again, now all cache hits: how long delivering 50 × 64 MiB to one
        // client process takes by itself on this machine, the floor under the row above.
        rows[`${name}-again`] = await stampede(server.base, origin, name, `miss-${name}-${run}`);
        await warmUp(server.base, TTFB_WARM_UP, `${name}-${run}`);
        [ttfb[`${name}-served`]] = await coldTtfb([server.base], origin.url, { ...ttfbOptions, label: `${name}-served-${run}` });
      } finally {
        await server.stop();
      }
    }
  } finally {
    await origin.stop();
  }
  const base = rows.origin.medianTotalMs;
  const missTable = markdownTable(
    ['path', 'clients OK', 'upstream GETs (path total)', 'median total s', 'max total s', 'median TTFB ms', 'median / origin alone', 'median / nginx'],
    Object.entries(rows).map(([name, r]) => [
      label(name),
      `${r.ok}/${r.total}`,
      r.upstreamGets,
      fmt(r.medianTotalMs / 1000, 2),
      fmt(r.maxTotalMs / 1000, 2),
      fmt(r.medianTtfbMs, 1),
      `${(r.medianTotalMs / base).toFixed(2)}×`,
      ratio(r.medianTotalMs, rows[nginxRowFor(name)]?.medianTotalMs),
    ]),
  );
  const ttfbTable = markdownTable(
    ['server', 'files OK', 'origin directly, median ms', 'through server, median ms', 'overhead, median of pairs ms'],
    Object.entries(ttfb).map(([name, t]) => [
      name.endsWith('-served') ? `${name.slice(0, -7)}, after ${TTFB_WARM_UP} more misses` : `${name}, just started`,
      t.ok,
      fmt(t.originMs, 2),
      fmt(t.medianMs, 2),
      fmt(t.overheadMs, 2),
    ]),
  );
  return [
    { title: `${CLIENTS} concurrent cold misses of 64 MiB, origin at 32 MiB/s`, table: missTable, notes },
    { title: `Cold-miss time to first byte, 4 KiB, median of ${TTFB_FILES} fresh files`, table: ttfbTable, notes: [] },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const { title, table } of await concurrentMiss()) console.log(`\n## ${title}\n\n${table}\n`);
}
