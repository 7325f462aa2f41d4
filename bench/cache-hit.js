// Cache hits: each file is fetched once through the server (a miss), then loaded with wrk
// (lib/wrk.js); reports req/s, MB/s, p99 latency and the server's peak RSS during the load,
// for nginx proxy_cache and ArtifactAPI (embedded and distributed backends) side by side.
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

/** Results per case for server `name`, or null when it was skipped (a backend is down). */
async function measure(name, originPort, npmOriginPort, notes) {
  const server = await startServerOrSkip(name, { originPort, npmOriginPort }, notes);
  if (!server) return null;
  try {
    const results = [];
    for (const c of CASES) {
      const url = c.packument ? `${server.npmBase}/${PACKUMENT}` : server.base + blobPath(c.size, `hit-${c.size}`);
      await warm(url, c.size, notes, name);
      await runWrk({ url, connections: c.connections, duration: 1, headers: c.headers }); // JIT warm-up
      const stopRss = sampleRss(server.pid);
      const stopCpu = measureCpu(server.pid);
      const load = await runWrk({ url, connections: c.connections, headers: c.headers });
      const cpuSeconds = stopCpu();
      const peakRssMiB = stopRss();
      if (load.errors || load.timeouts || load.non2xx) {
        notes.push(`${name} ${c.label}: ${load.errors} errors, ${load.timeouts} timeouts, ${load.non2xx} non-2xx`);
      }
      if (load.requests === 0) {
        // wrk counts only completed responses: its zeros would read as measured figures.
        notes.push(`${name} ${c.label}: no response completed within the ${duration} s load`);
        results.push({ reqPerSec: NaN, bytesPerSec: NaN, latencyP99: NaN, peakRssMiB, cpuUsPerRequest: NaN });
      } else {
        results.push({ ...load, peakRssMiB, cpuUsPerRequest: (cpuSeconds * 1e6) / load.requests });
      }
    }
    return results;
  } finally {
    await server.stop();
  }
}

/** Runs the cache-hit benchmark; resolves with { title, table, notes }. */
export async function cacheHit() {
  const origin = await startOrigin();
  const npmOrigin = await startPackumentOrigin({ names: [PACKUMENT] }).catch(async (err) => {
    await origin.stop();
    throw err;
  });
  const notes = [];
  const byServer = {};
  try {
    // The bare node:http reference runs beside the targets unless BENCH_NODE_HTTP=0 (issue 11: the
    // ratio to nginx depends on the machine; the one to node:http says what the product adds).
    const withReference = process.env.BENCH_NODE_HTTP === '0' || targets.includes('node-http') ? targets : [...targets, 'node-http'];
    for (const name of withReference) {
      const results = await measure(name, origin.port, npmOrigin.port, notes);
      if (results) byServer[name] = results;
    }
  } finally {
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
