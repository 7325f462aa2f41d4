// Memory against body size: one client GETs each file (default 64 MiB, 256 MiB, 1 GiB) through
// ArtifactAPI (embedded backends) as a cold miss (the body streams from an unpaced origin while it
// is stored), then as a hit; each GET has a server process of its own over one data directory, so
// no row carries another's garbage. The server's RSS (VmRSS with its children) is sampled every
// 50 ms. DESIGN §7 wants memory flat when bodies are 1 GiB: the 1 GiB row should sit where the
// smaller ones do, not 960 MiB above them.
// Usage: node bench/large-body.js        (LARGE_BODY_SIZES=64,256,1024 in MiB; ARTIFACTAPI_CLI for another build)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trackDir } from './lib/cleanup.js';
import { startOrigin, blobPath, expectedPrefix } from './lib/origin.js';
import { startArtifactApi } from './lib/artifactapi.js';
import { rawGet } from './lib/raw-get.js';
import { sampleRss, treeRssKiB } from './lib/rss.js';
import { markdownTable, fmt } from './lib/table.js';
import { machine } from './lib/machine.js';
import { MiB } from './lib/settings.js';

const sizes = (process.env.LARGE_BODY_SIZES ?? '64,256,1024').split(',').map((s) => Number(s.trim()) * MiB);
const largest = Math.max(...sizes);
const run = `${process.pid}-${Date.now()}`;

async function measured(server, url, size, name) {
  const stop = sampleRss(server.pid, 50);
  const res = await rawGet(url, { timeoutMs: 600_000 });
  const peak = stop();
  if (res.status !== 200 || res.bytes !== size || !res.head.equals(expectedPrefix(name, Math.min(32, size)))) {
    throw new Error(`${url}: ${res.status}, ${res.bytes} of ${size} bytes`);
  }
  return { peak, cache: res.headers['x-artifact-cache'], seconds: res.totalMs / 1000 };
}

const described = machine();
// The origin holds the largest body in its own memory (its process, not the server's).
const origin = await startOrigin({ max: largest });
const data = trackDir(mkdtempSync(join(tmpdir(), 'bench-large-body-')));
const results = sizes.map((size) => ({ size, name: `large-${size}-${run}` }));
try {
  for (const r of results) {
    for (const phase of ['miss', 'hit']) {
      const server = await startArtifactApi({ originPort: origin.port, data });
      try {
        r[`${phase}Idle`] = treeRssKiB(server.pid) / 1024;
        const got = await measured(server, server.base + blobPath(r.size, r.name), r.size, r.name);
        if (got.cache !== phase.toUpperCase()) throw new Error(`${r.name}: expected ${phase.toUpperCase()}, got ${got.cache}`);
        r[phase] = got;
      } finally {
        await server.stop();
      }
    }
  }
} finally {
  await origin.stop();
  rmSync(data, { recursive: true, force: true });
}
const rows = results.map((r) => [
  `${r.size / MiB} MiB`,
  fmt(r.missIdle, 1),
  fmt(r.miss.peak, 1),
  fmt(r.miss.seconds, 2),
  fmt(r.hitIdle, 1),
  fmt(r.hit.peak, 1),
  fmt(r.hit.seconds, 2),
]);
console.log(described + '\n');
console.log(markdownTable(['body', 'miss: RSS before MiB', 'miss: peak RSS MiB', 'miss s', 'hit: RSS before MiB', 'hit: peak RSS MiB', 'hit s'], rows));
