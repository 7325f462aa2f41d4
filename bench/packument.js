// Large packuments: how fast ArtifactAPI serves rewritten npm packuments once rendered, and what
// rewriting a 20 MB one costs the other requests. Two tables:
// 1. packument hits (~200 KB and ~20 MB documents, abbreviated and full) under autocannon @16,
//    with the time of a first request for a new public base (a rewrite), and Verdaccio as a peer
//    when BENCH_VERDACCIO_DIR is set;
// 2. 4 KiB hits @16 while 20 MB packuments are rewritten back to back, with the event-loop delay
//    measured inside the server (eld-preload.mjs): the product (rewrites in its worker pool)
//    against a node:http server running the same rewrite function on its event loop.
import { pathToFileURL } from 'node:url';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trackDir } from './lib/cleanup.js';
import { startOrigin, blobPath } from './lib/origin.js';
import { runLoad } from './lib/load.js';
import { startPackumentOrigin, packumentName } from './lib/packument-origin.js';
import { startProduct, startInline } from './lib/packument-servers.js';
import { startVerdaccio, verdaccioBin } from './lib/packument-verdaccio.js';
import { rewriteLoop, freshRewrite } from './lib/packument-rewrite-loop.js';
import { waitIdle } from './lib/packument-idle.js';
import { markdownTable, fmt, median, ratio } from './lib/table.js';
import { KiB, isQuick, duration } from './lib/settings.js';

/** What npm itself sends for a packument, and what a plain JSON client sends. */
const ACCEPT = {
  abbreviated: 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*',
  full: 'application/json',
};
const DOCUMENTS = [
  { label: '~200 KB', bytes: 200_000, target: 6000 },
  { label: '~20 MB', bytes: 20_000_000, target: 100 },
];
const LARGE = DOCUMENTS[1];
const FRESH_SAMPLES = isQuick ? 1 : 3;
const ROUNDS = isQuick ? 1 : 3;

/** GETs `url` with `accept`; resolves with { status, contentType, bytes, text }. */
async function getDocument(url, accept) {
  const res = await fetch(url, { headers: { accept } });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', bytes: body.length, text: body.toString('utf8') };
}

/**
 * Primes `server` with one packument/variant and checks what it answers: 200, the media type of
 * the variant, tarball URLs on the server. Returns the response size.
 */
async function primeAndCheck(server, name, variant, tarballPrefix) {
  const url = `${server.npmBase}/${name}`;
  const doc = await getDocument(url, ACCEPT[variant]);
  if (doc.status !== 200) throw new Error(`${server.name} answered ${doc.status} for ${name} (${variant})`);
  const parsed = JSON.parse(doc.text);
  const first = Object.values(parsed.versions ?? {})[0];
  if (!first?.dist?.tarball?.startsWith(tarballPrefix)) throw new Error(`${server.name}: ${name} tarball URL ${first?.dist?.tarball} is not under ${tarballPrefix}`);
  const corgi = doc.contentType.startsWith('application/vnd.npm.install-v1+json');
  if ((variant === 'abbreviated') !== corgi) throw new Error(`${server.name}: ${name} ${variant} came as ${doc.contentType}`);
  return doc.bytes;
}

/**
 * Requests per second over the whole load: autocannon's average of per-second counts, or the
 * completed total over the duration when there are too few for the average to show them.
 */
function slowRate(load) {
  return load.requests < 10 * duration ? load.requests / duration : load.reqPerSec;
}

/**
 * Warm-up load (1 s), then the measured load, of `url` with `accept` @16; after each, waits
 * until `server` has finished what the load left in flight.
 */
async function loadDocument(server, url, accept, notes, label) {
  const headers = { accept };
  await runLoad({ url, connections: 16, duration: 1, headers });
  await waitIdle(server.pid);
  const load = await runLoad({ url, connections: 16, headers });
  const waited = await waitIdle(server.pid);
  if (waited > 2000) notes.push(`${label}: the server was busy for ${fmt(waited / 1000, 1)} s after the load ended (requests left in flight)`);
  if (load.non2xx || load.errors || load.timeouts) notes.push(`${label}: ${load.non2xx} non-2xx, ${load.errors} errors, ${load.timeouts} timeouts`);
  return load;
}

/** Table 1: packument hits through ArtifactAPI (and Verdaccio). */
async function hitTable({ product, verdaccio, inline, origin }) {
  const notes = [];
  const rows = [];
  for (const doc of DOCUMENTS) {
    const name = packumentName(doc.bytes);
    const upstreamBytes = (await origin.document(name)).length;
    const benchGets = await origin.gets(`/${name}`); // the bench's own, not the servers'
    // The miss (the origin's one GET) happens here, so no timed figure below includes it.
    for (const server of [product, verdaccio].filter(Boolean)) {
      const miss = await getDocument(`${server.npmBase}/${name}`, ACCEPT.full);
      if (miss.status !== 200) throw new Error(`${server.name} answered ${miss.status} for ${name}`);
    }
    for (const variant of ['abbreviated', 'full']) {
      const url = `${product.npmBase}/${name}`;
      const fresh = [];
      for (let i = 0; i < FRESH_SAMPLES; i++) {
        const res = await freshRewrite(url, ACCEPT[variant]);
        if (res.status !== 200 || !res.sawHost) throw new Error(`fresh rewrite of ${name} (${variant}) failed: ${res.status}`);
        fresh.push(res.ms);
      }
      const bytes = await primeAndCheck(product, name, variant, `${product.npmBase}/${name}/-/`);
      console.error(`[bench] packument: artifactapi ${doc.label} ${variant}`);
      const ours = await loadDocument(product, url, ACCEPT[variant], notes, `artifactapi ${doc.label} ${variant}`);
      // The floor: a bare node:http server sending as many bytes from memory, same load.
      const floor = await loadDocument(inline, `${inline.bodyBase}/${bytes}`, ACCEPT[variant], notes, `node:http ${doc.label} ${variant}`);
      let theirs;
      const single = [];
      if (verdaccio) {
        await primeAndCheck(verdaccio, name, variant, `${verdaccio.npmBase}/${name}/-/`);
        // Verdaccio renders every GET anew: one GET alone is its counterpart of our first GET.
        for (let i = 0; i < FRESH_SAMPLES; i++) {
          const start = performance.now();
          await getDocument(`${verdaccio.npmBase}/${name}`, ACCEPT[variant]);
          single.push(performance.now() - start);
        }
        console.error(`[bench] packument: verdaccio ${doc.label} ${variant}`);
        theirs = await loadDocument(verdaccio, `${verdaccio.npmBase}/${name}`, ACCEPT[variant], notes, `verdaccio ${doc.label} ${variant}`);
      }
      rows.push([
        `${doc.label} (${fmt(upstreamBytes / 1e6, 2)} MB)`,
        variant,
        fmt(bytes / 1e6, 2),
        fmt(median(fresh), 0),
        fmt(ours.reqPerSec, 0),
        fmt(ours.bytesPerSec / 1e6, 0),
        fmt(ours.latencyP99, 0),
        `≥ ${fmt(doc.target, 0)} ${ours.reqPerSec >= doc.target ? '(met)' : '(missed)'}`,
        fmt(floor.reqPerSec, 0),
        ratio(ours.reqPerSec, floor.reqPerSec),
        ...(verdaccio ? [fmt(median(single), 0), fmt(slowRate(theirs), theirs.requests < 10 * duration ? 1 : 0), theirs.requests ? fmt(theirs.latencyP99, 0) : '-', ratio(ours.reqPerSec, slowRate(theirs))] : []),
      ]);
      // One GET per server, on its miss.
      const upstreamGets = (await origin.gets(`/${name}`)) - benchGets;
      if (upstreamGets > (verdaccio ? 2 : 1)) notes.push(`${name} ${variant}: the servers sent the origin ${upstreamGets} GETs (expected one each)`);
    }
  }
  const headers = ['document (full, upstream)', 'variant', 'response MB', 'first GET for a new public base ms', 'artifactapi req/s', 'MB/s', 'p99 ms', 'target req/s', 'node:http, same bytes from memory req/s', 'artifactapi / node:http'];
  if (verdaccio) headers.push('verdaccio one GET alone ms', 'verdaccio req/s', 'verdaccio p99 ms', 'artifactapi / verdaccio');
  else notes.push('verdaccio skipped: BENCH_VERDACCIO_DIR does not name a prefix with verdaccio installed');
  return {
    title: `Packument hits @16 (rendered documents, after warm-up; single-GET times: median of ${FRESH_SAMPLES})`,
    table: markdownTable(headers, rows),
    notes,
  };
}

/** One window: 4 KiB hits @16 on `hitUrl`, 20 MB rewrites back to back on `rewriteUrl` if given. */
async function measureWindow(server, hitUrl, rewriteUrl) {
  await server.eld(); // opens the window
  let done = false;
  const loop = rewriteUrl ? rewriteLoop({ url: rewriteUrl, accept: ACCEPT.abbreviated, until: () => done }) : null;
  const load = await runLoad({ url: hitUrl, connections: 16 });
  const eld = await server.eld(); // closes it
  done = true;
  const rewrites = await loop;
  return { load, eld, rewrites };
}

/** Table 2: event-loop delay of 4 KiB hits while 20 MB packuments are rewritten. */
async function delayTable({ product, inline }) {
  const notes = [];
  const name = packumentName(LARGE.bytes);
  const hitPath = blobPath(4 * KiB, 'packument-hit');
  const productHit = `${product.blobBase}${hitPath}`;
  // The product's hit is fetched once so it is cached, and both servers' rewrite paths run once
  // (the worker loads the rewriter, the inline server compiles it).
  await fetch(productHit).then((r) => r.arrayBuffer());
  if ((await fetch(productHit)).headers.get('x-artifact-cache') !== 'HIT') notes.push('the 4 KiB file was not a HIT on its second GET');
  await freshRewrite(`${product.npmBase}/${name}`, ACCEPT.abbreviated);
  await freshRewrite(inline.rewriteUrl, ACCEPT.abbreviated);
  await runLoad({ url: productHit, connections: 16, duration: 1 });
  await runLoad({ url: inline.hitUrl, connections: 16, duration: 1 });
  const modes = [
    ['artifactapi: no rewrites (baseline)', product, productHit, null],
    ['artifactapi: 20 MB rewrites in its worker pool (the product)', product, productHit, `${product.npmBase}/${name}`],
    ['inline node:http: no rewrites (baseline)', inline, inline.hitUrl, null],
    ['inline node:http: same rewritePackument() on its event loop', inline, inline.hitUrl, inline.rewriteUrl],
  ];
  // Modes take turns over the rounds; each figure is the median of its rounds, so a burst of
  // outside load on the shared machine does not land on one mode only.
  const samples = modes.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, [label, server, hitUrl, rewriteUrl]] of modes.entries()) {
      console.error(`[bench] packument: ${label} (round ${round + 1}/${ROUNDS})`);
      samples[i].push(await measureWindow(server, hitUrl, rewriteUrl));
    }
  }
  const rows = modes.map(([label, , , rewriteUrl], i) => {
    const m = (pick) => median(samples[i].map(pick));
    const failures = samples[i].reduce((sum, s) => sum + (s.rewrites?.failures ?? 0) + (s.load.non2xx ?? 0) + (s.load.errors ?? 0), 0);
    if (failures) notes.push(`${label}: ${failures} failed requests (non-2xx hits, errors, or rewrites without the request's host)`);
    return [
      label,
      fmt(m((s) => s.load.reqPerSec), 0),
      fmt(m((s) => s.load.latencyP99), 0),
      fmt(m((s) => s.eld.p99), 1),
      fmt(m((s) => s.eld.max), 1),
      rewriteUrl ? fmt(m((s) => s.rewrites.rewrites / s.rewrites.seconds), 2) : '-',
      rewriteUrl ? fmt(m((s) => s.rewrites.medianMs), 0) : '-',
    ];
  });
  return {
    title: `Event-loop delay while 20 MB packuments are rewritten (4 KiB hits @16, ${duration} s, median of ${ROUNDS} rounds)`,
    table: markdownTable(['server and rewrites', 'hit req/s', 'hit p99 ms', 'loop delay p99 ms', 'loop delay max ms', 'rewrites/s', 'rewrite median ms'], rows),
    notes,
  };
}

/** Runs both packument benchmarks; resolves with two { title, table, notes }. */
export async function packument() {
  const names = DOCUMENTS.map((d) => packumentName(d.bytes));
  const origin = await startPackumentOrigin({ names });
  const blobOrigin = await startOrigin({ max: 64 * KiB });
  let product;
  let verdaccio;
  let inline;
  try {
    // The inline server holds the stored 20 MB document as the product does after its miss.
    const large = packumentName(LARGE.bytes);
    const file = join(trackDir(mkdtempSync(join(tmpdir(), 'bench-pkm-'))), `${large}.json`);
    writeFileSync(file, await origin.document(large));
    inline = await startInline({ file, name: large });
    product = await startProduct({ npmOriginPort: origin.port, blobOriginPort: blobOrigin.port });
    if (verdaccioBin()) verdaccio = await startVerdaccio({ originPort: origin.port });
    const hits = await hitTable({ product, verdaccio, inline, origin });
    await verdaccio?.stop();
    verdaccio = undefined;
    const delay = await delayTable({ product, inline });
    return [hits, delay];
  } finally {
    await verdaccio?.stop();
    await inline?.stop();
    await product?.stop();
    await blobOrigin.stop();
    await origin.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const { title, table, notes } of await packument()) {
    console.log(`\n### ${title}\n\n${table}\n${notes.map((n) => `- ${n}\n`).join('')}`);
  }
}
