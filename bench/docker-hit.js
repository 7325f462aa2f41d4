// Docker hits (issue 10 item 7, DESIGN §7): a distribution registry as the origin holds an image
// `bench/app:v1` (an OCI manifest, a ~300 B config blob, a 64 MiB layer, and a second 64 MiB
// layer left cold for the concurrent pulls), pushed with the registry's monolithic upload
// (POST, then PUT with the digest and the bytes). In front of the origin: the distribution
// pull-through cache (the peer), nginx proxy_cache, and the product's docker remote `hub`.
// Each is warmed, then loaded with wrk (1 thread): the config blob at 16 connections, the
// 64 MiB layer at 4, the tag manifest (Accept: the OCI and Docker manifest types) at 16.
// Then 50 concurrent GETs of the cold layer through each, counting the origin's GETs of it.
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { pathToFileURL } from 'node:url';
import { startDistribution, startDockerNginx, startDockerArtifactApi } from './lib/docker-servers.js';
import { WRK_METRICS, runWrk } from './lib/wrk.js';
import { sampleRss } from './lib/rss.js';
import { markdownTable, fmt, ratio, median } from './lib/table.js';
import { duration, MiB } from './lib/settings.js';

const IMAGE = 'bench/app';
const TAG = 'v1';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const ACCEPT = [OCI_MANIFEST, 'application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'].join(', ');
const COLD_CLIENTS = 50;

const sha256 = (bytes) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

function buildImage() {
  const layer = randomBytes(64 * MiB);
  const cold = randomBytes(64 * MiB);
  const layerTar = 'application/vnd.oci.image.layer.v1.tar+gzip';
  const configDoc = {
    created: '2026-01-01T00:00:00Z',
    architecture: 'amd64',
    os: 'linux',
    config: { Cmd: ['/bin/true'] },
    rootfs: { type: 'layers', diff_ids: [sha256(layer), sha256(cold)] },
  };
  const config = Buffer.from(JSON.stringify(configDoc));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [
        { mediaType: layerTar, digest: sha256(layer), size: layer.length },
        { mediaType: layerTar, digest: sha256(cold), size: cold.length },
      ],
    }),
  );
  return { config, layer, cold, manifest };
}

async function pushBlob(registry, bytes) {
  const started = await fetch(`${registry}/v2/${IMAGE}/blobs/uploads/`, { method: 'POST' });
  await started.arrayBuffer();
  if (started.status !== 202) throw new Error(`upload POST gave ${started.status}`);
  const location = new URL(started.headers.get('location'), registry);
  location.searchParams.set('digest', sha256(bytes));
  const put = await fetch(location, { method: 'PUT', body: bytes, headers: { 'content-type': 'application/octet-stream' } });
  await put.arrayBuffer();
  if (put.status !== 201) throw new Error(`upload PUT gave ${put.status}`);
}

async function pushImage(registry, image) {
  for (const blob of [image.config, image.layer, image.cold]) await pushBlob(registry, blob);
  const res = await fetch(`${registry}/v2/${IMAGE}/manifests/${TAG}`, { method: 'PUT', body: image.manifest, headers: { 'content-type': OCI_MANIFEST } });
  await res.arrayBuffer();
  if (res.status !== 201) throw new Error(`manifest PUT gave ${res.status}`);
}

/** GETs `url` until it answers `size` bytes twice in a row (the peer stores a blob behind its first GET). */
async function warm(url, size, headers, name) {
  let good = 0;
  for (let i = 0; i < 10 && good < 2; i++) {
    const res = await getWithHeaders(url, headers);
    if (res.status === 200 && res.bytes === size) good++;
    else if (i > 0) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (good < 2) throw new Error(`${name}: warm-up of ${url} did not give ${size} bytes twice`);
}

function getWithHeaders(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { agent: false, headers }, (res) => {
      let bytes = 0;
      res.on('data', (chunk) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode, bytes, headers: res.headers, totalMs: performance.now() - started }));
      res.on('error', reject);
    });
    req.setTimeout(300_000, () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
    req.end();
  });
}

const originGets = (origin, digest) => origin.log().split('\n').filter((l) => l.includes(`"GET /v2/${IMAGE}/blobs/${digest}`)).length;

const originManifestRequests = (origin) => origin.log().split('\n').filter((l) => l.includes(`/v2/${IMAGE}/manifests/`)).length;

/** Runs the docker benchmark; resolves with a list of { title, table, notes }. */
export async function dockerHit() {
  const notes = [];
  const image = buildImage();
  const origin = await startDistribution({ name: 'origin', accessLog: true });
  const servers = [];
  try {
    await pushImage(origin.url, image);
    const peer = await startDistribution({ name: 'distribution', proxy: origin.url });
    servers.push({ server: peer, prefix: '' });
    const nginx = await startDockerNginx({ originPort: origin.port });
    servers.push({ server: nginx, prefix: '' });
    const product = await startDockerArtifactApi({ originUrl: origin.url });
    servers.push({ server: product, prefix: '/hub' });

    const cases = [
      { label: `config blob ${image.config.length} B @16`, path: `blobs/${sha256(image.config)}`, size: image.config.length, connections: 16 },
      { label: '64 MiB layer @4', path: `blobs/${sha256(image.layer)}`, size: image.layer.length, connections: 4 },
      { label: 'tag manifest @16', path: `manifests/${TAG}`, size: image.manifest.length, connections: 16, headers: { accept: ACCEPT } },
    ];
    const byServer = {};
    for (const { server, prefix } of servers) {
      const results = [];
      for (const c of cases) {
        const url = `${server.url}/v2${prefix}/${IMAGE}/${c.path}`;
        await warm(url, c.size, c.headers, server.name);
        await runWrk({ url, connections: c.connections, duration: 1, headers: c.headers }); // JIT warm-up
        const originBefore = originManifestRequests(origin);
        const stopRss = sampleRss(server.pid);
        const load = await runWrk({ url, connections: c.connections, headers: c.headers });
        const peakRssMiB = stopRss();
        if (c.path.startsWith('manifests/')) {
          await new Promise((resolve) => setTimeout(resolve, 300));
          notes.push(`${server.name} ${c.label}: ${originManifestRequests(origin) - originBefore} origin manifest requests during the ${duration} s load (${load.requests} served)`);
        }
        if (load.errors || load.timeouts || load.non2xx) notes.push(`${server.name} ${c.label}: ${load.errors} errors, ${load.timeouts} timeouts, ${load.non2xx} non-2xx`);
        results.push(load.requests ? { ...load, peakRssMiB } : { reqPerSec: NaN, bytesPerSec: NaN, latencyP99: NaN, peakRssMiB });
      }
      byServer[server.name] = results;
    }

    // 50 concurrent cold GETs of the second layer through each server, the origin's GETs counted.
    const coldDigest = sha256(image.cold);
    const coldRows = [];
    for (const { server, prefix } of servers) {
      const before = originGets(origin, coldDigest);
      const url = `${server.url}/v2${prefix}/${IMAGE}/blobs/${coldDigest}`;
      const started = performance.now();
      const results = await Promise.all(Array.from({ length: COLD_CLIENTS }, () => getWithHeaders(url)));
      const wallMs = performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 500)); // the access log is written after the response
      const gets = originGets(origin, coldDigest) - before;
      const ok = results.filter((r) => r.status === 200 && r.bytes === image.cold.length).length;
      const totals = results.map((r) => r.totalMs);
      coldRows.push([server.name, gets, `${ok}/${COLD_CLIENTS}`, fmt(median(totals), 0), fmt(Math.max(...totals), 0), fmt(wallMs, 0)]);
    }

    const names = Object.keys(byServer);
    const metrics = WRK_METRICS;
    const rows = [];
    cases.forEach((c, i) => {
      for (const [metric, pick, digits] of metrics) {
        const p = pick(byServer.artifactapi[i]);
        rows.push([c.label, metric, ...names.map((n) => fmt(pick(byServer[n][i]), digits)), ratio(p, pick(byServer.distribution[i])), ratio(p, pick(byServer.nginx[i]))]);
      }
    });
    notes.push(
      `wrk 1 thread, ${duration} s per load after a 1 s warm-up; each URL GET until it gave the full body twice first`,
      'distribution: a pull-through cache (`proxy.remoteurl`) of the origin; nginx: proxy_cache of the origin (blobs keyed on the URI, manifests on URI + Accept, 1 h, no revalidation); artifactapi: docker remote `hub`, `cache.mutable_ttl: 3600`, embedded backends, request log on',
      'distribution resolves a tag with a HEAD to the origin on every manifest GET (its proxy tag service), so its manifest figure includes an upstream round trip',
    );
    return [
      { title: 'Docker hits', table: markdownTable(['case', 'metric', ...names, 'artifactapi / distribution', 'artifactapi / nginx'], rows), notes },
      {
        title: `${COLD_CLIENTS} concurrent cold GETs of one 64 MiB layer (unpaced origin)`,
        table: markdownTable(['server', 'origin GETs of the blob', 'complete', 'median ms', 'max ms', 'wall ms'], coldRows),
        notes: ['origin GETs counted from the origin registry\'s access log (`"GET /v2/bench/app/blobs/<digest>`)'],
      },
    ];
  } finally {
    for (const { server } of servers.reverse()) await server.stop();
    await origin.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const { title, table, notes } of await dockerHit()) {
    console.log(`\n### ${title}\n\n${table}\n${notes.map((n) => `\n- ${n}`).join('')}`);
  }
}

