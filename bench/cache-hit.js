// Cache hits: each file is fetched once through each server (a miss), then the servers are loaded
// with wrk (lib/wrk.js) in turn, round after round; reports req/s, MB/s, p99 latency, the server's
// peak RSS and CPU per request during the load, for nginx proxy_cache and ArtifactAPI (embedded
// and distributed backends) side by side.
import { pathToFileURL } from 'node:url';
import { startOrigin, blobPath } from './lib/origin.js';
import { startServerOrSkip } from './lib/servers.js';
import { WRK_METRICS, runWrk } from './lib/wrk.js';
import { startPackumentOrigin, packumentName } from './lib/packument-origin.js';
import { sampleRss } from './lib/rss.js';
import { measureCpu } from './lib/cpu.js';
import { timedGet } from './lib/timed-get.js';
import { markdownTable, fmt, ratio } from './lib/table.js';
import { targets, duration, KiB, MiB } from './lib/settings.js';

const PACKUMENT = packumentName(200_000);

// `packument`: the ~200 KB full packument from the npm origin (the product sends it rewritten for
// its public base, nginx as the origin sent it; sizes differ by the tarball URLs only).
const CASES = [
  { label: '4 KiB @16', size: 4 * KiB, connections: 16 },
  { label: '60 KB @16', size: 60_000, connections: 16 },
  { label: '1 MiB @16', size: MiB, connections: 16 },
  // Just above memory_cache.max_object_bytes: read from storage on every hit (the disk tier for the distributed target).
  { label: '8 MiB @8', size: 8 * MiB, connections: 8 },
  { label: '64 MiB @4', size: 64 * MiB, connections: 4 },
  { label: '200 KB packument @16', packument: true, connections: 16, headers: { accept: 'application/json' } },
];

const WARM_GETS = 5;
/** Rounds each server is loaded in per case (BENCH_HIT_ROUNDS); BENCH_DURATION is split over them. */
const ROUNDS = Math.max(1, Number(process.env.BENCH_HIT_ROUNDS) || 3);
const loadSeconds = Math.max(1, Math.round(duration / ROUNDS));

// The load must measure hits only. The product records an entry before a miss's client gets its
// final byte, so the first repeat should say HIT; GETs repeat until one does, and any that did not
// is noted under the table (a regression of that ordering, or another server's behaviour).
async function warm(url, size, notes, name) {
  const first = await timedGet(url);
  if (first.status !== 200 || (size !== undefined && first.bytes !== size)) {
    throw new Error(`${name}: warm-up GET ${url} gave ${first.status}, ${first.bytes} bytes`);
  }
  const said = [];
  for (let i = 0; i < WARM_GETS; i++) {
    const cache = (await timedGet(url)).headers['x-artifact-cache'] ?? '(none)';
    said.push(cache);
    if (cache === 'HIT') break;
    await new Promise((resolve) => setTimeout(resolve, 100 * (i + 1)));
  }
  if (said.length > 1 || said[0] !== 'HIT') {
    notes.push(`${name}: GETs of ${url} after its miss said X-Artifact-Cache: ${said.join(', ')}`);
  }
}

/** One wrk load of `url` on `server`, with the server's peak RSS and CPU time per request. */
async function loadOnce(server, url, c, notes) {
  const stopRss = sampleRss(server.pid);
  const stopCpu = measureCpu(server.pid);
  const load = await runWrk({ url, connections: c.connections, headers: c.headers, duration: loadSeconds });
  const cpuSeconds = stopCpu();
  const peakRssMiB = stopRss();
  if (load.errors || load.timeouts || load.non2xx) {
    notes.push(`${server.name} ${c.label}: ${load.errors} errors, ${load.timeouts} timeouts, ${load.non2xx} non-2xx`);
  }
  if (load.requests === 0) {
    // wrk counts only completed responses: its zeros would read as measured figures.
    notes.push(`${server.name} ${c.label}: no response completed within a ${loadSeconds} s load`);
    return { reqPerSec: NaN, bytesPerSec: NaN, latencyP99: NaN, peakRssMiB, cpuUsPerRequest: NaN };
  }
  return { ...load, peakRssMiB, cpuUsPerRequest: (cpuSeconds * 1e6) / load.requests };
}

/**
 * A case's figure for one server over its rounds: the round with the median req/s (its MB/s,
 * p99 and CPU per request go with it), and the highest peak RSS of all rounds.
 */
function medianRound(results) {
  const measured = results.filter((r) => Number.isFinite(r.reqPerSec)).sort((a, b) => a.reqPerSec - b.reqPerSec);
  if (measured.length === 0) return results[0];
  const middle = measured[(measured.length - 1) >> 1];
  return { ...middle, peakRssMiB: Math.max(...results.map((r) => r.peakRssMiB)) };
}

/**
 * Every server answers every case, loaded in turn round after round (the first server of a round
 * moving on each time), so a stretch of the shared machine's slowness hits all of them alike rather
 * than the one whose turn it was: run one after the other, the same server's CPU per 4 KiB hit
 * moved by half between two runs (bench/README.md, session 23). Results by server name, per case.
 */
async function measureAll(servers, notes) {
  const byServer = Object.fromEntries(servers.map((s) => [s.name, []]));
  for (const c of CASES) {
    const url = (server) => (c.packument ? `${server.npmBase}/${PACKUMENT}` : server.base + blobPath(c.size, `hit-${c.size}`));
    for (const server of servers) {
      await warm(url(server), c.size, notes, server.name);
      await runWrk({ url: url(server), connections: c.connections, duration: 1, headers: c.headers }); // JIT warm-up
    }
    const rounds = servers.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < servers.length; k++) {
        const n = (round + k) % servers.length;
        rounds[n].push(await loadOnce(servers[n], url(servers[n]), c, notes));
      }
    }
    servers.forEach((server, n) => byServer[server.name].push(medianRound(rounds[n])));
  }
  return byServer;
}

/** Runs the cache-hit benchmark; resolves with { title, table, notes }. */
export async function cacheHit() {
  const origin = await startOrigin();
  const npmOrigin = await startPackumentOrigin({ names: [PACKUMENT] }).catch(async (err) => {
    await origin.stop();
    throw err;
  });
  const notes = [];
  const servers = [];
  let byServer;
  try {
    // The bare node:http reference runs beside the targets unless BENCH_NODE_HTTP=0 (issue 11: the
    // ratio to nginx depends on the machine; the one to node:http says what the product adds).
    const withReference = process.env.BENCH_NODE_HTTP === '0' || targets.includes('node-http') ? targets : [...targets, 'node-http'];
    for (const name of withReference) {
      const server = await startServerOrSkip(name, { originPort: origin.port, npmOriginPort: npmOrigin.port }, notes);
      if (server) servers.push(server);
    }
    byServer = await measureAll(servers, notes);
  } finally {
    for (const server of servers) await server.stop();
    await origin.stop();
    await npmOrigin.stop();
  }
  const names = Object.keys(byServer);
  // One ratio column per server measured against nginx (higher is better for req/s and MB/s).
  const compared = names.includes('nginx') ? names.filter((n) => n !== 'nginx') : [];
  // DESIGN §7: distributed hits at ≥ 0.8× embedded at every size.
  const versusEmbedded = names.includes('artifactapi') && names.includes('artifactapi-distributed');
  const versusNode = names.includes('artifactapi') && names.includes('node-http');
  const metrics = [...WRK_METRICS, ['CPU µs/req', (r) => r.cpuUsPerRequest, 1]];
  const rows = [];
  CASES.forEach((c, i) => {
    for (const [metric, pick, digits] of metrics) {
      const values = names.map((n) => pick(byServer[n][i]));
      const row = [c.label, metric, ...values.map((v) => fmt(v, digits))];
      for (const n of compared) row.push(ratio(pick(byServer[n][i]), pick(byServer.nginx[i])));
      if (versusEmbedded) row.push(ratio(pick(byServer['artifactapi-distributed'][i]), pick(byServer.artifactapi[i])));
      if (versusNode) row.push(ratio(pick(byServer.artifactapi[i]), pick(byServer['node-http'][i])));
      rows.push(row);
    }
  });
  const headers = ['case', 'metric', ...names, ...compared.map((n) => `${n} / nginx`), ...(versusEmbedded ? ['distributed / embedded'] : []), ...(versusNode ? ['artifactapi / node-http'] : [])];
  return { title: 'Cache hits', table: markdownTable(headers, rows), notes };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { title, table, notes } = await cacheHit();
  console.log(`\n## ${title}\n\n${table}\n${notes.map((n) => `\n- ${n}`).join('')}`);
}
