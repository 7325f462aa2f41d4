// Does hashing belong on the event loop or in the worker pool? A node:http server in this
// process serves a 4 KiB buffer (a cache hit from memory) under autocannon @16 while this same
// process hashes 64 MiB files back to back, one at a time, in one of three ways. Reports hit
// req/s, event-loop delay p99 and the hashing rate for each.
import { pathToFileURL } from 'node:url';
import { createServer } from 'node:http';
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WorkerPool, hashFile } from '../core/dist/src/workers/index.js';
import { trackDir } from './lib/cleanup.js';
import { runLoad } from './lib/load.js';
import { markdownTable, fmt, median } from './lib/table.js';
import { KiB, MiB, isQuick } from './lib/settings.js';

const FILE_SIZE = 64 * MiB;
const ROUNDS = isQuick ? 1 : 3;
const RESOLUTION_MS = 1;

/** Hashes a file as a download does: one sha256 update per 64 KiB chunk, on the event loop. */
function streamHash(path) {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path, { highWaterMark: 64 * KiB })
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

function makeFiles() {
  const dir = trackDir(mkdtempSync(join(tmpdir(), 'bench-hash-')));
  const block = Buffer.allocUnsafe(FILE_SIZE);
  return [0, 1].map((i) => {
    randomFillSync(block);
    const path = join(dir, `blob-${i}`);
    writeFileSync(path, block);
    return path;
  });
}

function startHitServer() {
  const body = Buffer.alloc(4 * KiB, 'a');
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/octet-stream');
    res.setHeader('content-length', body.length);
    res.end(body);
  });
  server.keepAliveTimeout = 30_000;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Hashes `files` in turn until `until()` says stop; resolves with the bytes hashed and seconds taken. */
async function hashLoop(hash, files, until) {
  const start = performance.now();
  let bytes = 0;
  for (let i = 0; !until(); i++) {
    await hash(files[i % files.length]);
    bytes += FILE_SIZE;
  }
  return { bytes, seconds: (performance.now() - start) / 1000 };
}

/** One load run with `hash` (or nothing) hashing files back to back meanwhile. */
async function measure(hash, files, url) {
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  let done = false;
  delay.enable();
  const hashing = hash ? hashLoop(hash, files, () => done) : Promise.resolve({ bytes: 0, seconds: 1 });
  const load = await runLoad({ url, connections: 16 });
  done = true;
  const { bytes, seconds } = await hashing;
  delay.disable();
  return {
    reqPerSec: load.reqPerSec,
    hitP99: load.latencyP99,
    // The histogram records whole timer intervals: subtract the interval to get the lateness.
    delayP99: delay.percentile(99) / 1e6 - RESOLUTION_MS,
    delayMax: delay.max / 1e6 - RESOLUTION_MS,
    hashMBps: bytes / seconds / 1e6,
  };
}

/** Runs the hashing benchmark; resolves with { title, table, notes }. */
export async function hashing() {
  const files = makeFiles();
  const pool = new WorkerPool({ size: 1 });
  const server = await startHitServer();
  const url = `http://127.0.0.1:${server.address().port}/hit`;
  const modes = [
    ['no hashing (baseline)', null],
    ['stream: createHash().update() per 64 KiB chunk, event loop', streamHash],
    ['hashFile() inline on the event loop', (path) => hashFile({ path })],
    ['WorkerPool.hashFile() (1 worker)', (path) => pool.hashFile({ path })],
  ];
  const rows = [];
  try {
    await pool.hashFile({ path: files[0] }); // starts the worker and fills the page cache
    await runLoad({ url, connections: 16, duration: 1 }); // JIT warm-up of the server
    // Modes take turns over several rounds and each figure is the median of its rounds, so a
    // burst of outside load on the shared machine does not land on one mode only.
    const samples = modes.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, [, hash]] of modes.entries()) samples[i].push(await measure(hash, files, url));
    }
    for (const [i, [label, hash]] of modes.entries()) {
      const m = (key) => median(samples[i].map((s) => s[key]));
      rows.push([
        label,
        fmt(m('reqPerSec'), 0),
        fmt(m('hitP99'), 0),
        fmt(m('delayP99'), 1),
        fmt(m('delayMax'), 1),
        hash ? fmt(m('hashMBps'), 0) : '-',
      ]);
    }
  } finally {
    server.close();
    server.closeAllConnections();
    await pool.close();
  }
  const table = markdownTable(
    ['hashing 64 MiB files, one at a time', 'hit req/s', 'hit p99 ms', 'loop delay p99 ms', 'loop delay max ms', 'hash MB/s'],
    rows,
  );
  return { title: `Hashing on the event loop or in the pool (4 KiB hits @16 meanwhile, median of ${ROUNDS} rounds)`, table, notes: [] };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { title, table } = await hashing();
  console.log(`\n## ${title}\n\n${table}\n`);
}
