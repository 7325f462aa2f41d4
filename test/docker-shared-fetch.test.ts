import test from 'ava';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { s3StorageYaml, startS3rver } from '@artifactapi/core/testing/s3rver';
import { pacedHandler, patternBody } from './helpers/paced-body.js';
import { startServe } from './helpers/serve-process.js';
import type { Teardown } from './helpers/teardown.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';

// Docker remotes in front of a small registry upstream on loopback that speaks just the pull
// endpoints these cases need: one upstream GET per blob digest also when two repositories ask for
// it at once, quarantine by the time a manifest digest was first seen, and storage.redirect.

const digestOf = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';

function manifest(layer: Buffer, note: string): Buffer {
  const config = Buffer.from('{}');
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST_TYPE,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: digestOf(layer), size: layer.length }],
      annotations: { note },
    }),
  );
}

interface Upstream {
  url: string;
  requests: string[];
  count(method: string, pathPart: string): number;
  /** Points `tag` of every image at `bytes`. */
  tag(tag: string, bytes: Buffer): void;
}

/** Serves `blob` slowly (about 1 s) under any image, and manifests by tag and digest. */
async function registryUpstream(t: Teardown, blob: Buffer): Promise<Upstream> {
  const requests: string[] = [];
  const tags = new Map<string, Buffer>();
  const byDigest = new Map<string, Buffer>();
  const slowBlob = pacedHandler(blob, 20, 50);
  const blobDigest = digestOf(blob);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push(`${req.method} ${req.url}`);
    const url = req.url ?? '';
    if (url === '/v2/') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url);
    if (m?.[2] === 'blobs' && m[3] === blobDigest) return slowBlob(req, res);
    const doc = m?.[2] === 'manifests' ? (tags.get(m[3]!) ?? byDigest.get(m[3]!)) : undefined;
    if (!doc) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"unknown"}]}');
    res.writeHead(200, { 'content-type': MANIFEST_TYPE, 'content-length': String(doc.length), 'docker-content-digest': digestOf(doc) });
    res.end(req.method === 'HEAD' ? undefined : doc);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    count: (method, pathPart) => requests.filter((r) => r.startsWith(`${method} `) && r.includes(pathPart)).length,
    tag(tag, bytes) {
      tags.set(tag, bytes);
      byDigest.set(digestOf(bytes), bytes);
    },
  };
}

async function proxyFor(t: Teardown, baseUrl: string, top = '') {
  const remote = (name: string, extra = '') => `
  ${name}:
    type: remote
    package: docker
    base_url: ${baseUrl}
    cache: { mutable_ttl: 1 }${extra}`;
  // 0.00003 days is about 2.6 s: long enough to see the refusal, short enough to see it lift.
  const config = await writeConfig(await tempDir(t, 'aapi-docker-cfg-'), `${top}remotes:${remote('hub')}${remote('mirror')}${remote('held', '\n    quarantine_days: 0.00003')}\n`);
  return startServe(t, { config });
}

async function body(res: Response): Promise<Buffer> {
  return Buffer.from(await res.arrayBuffer());
}

test('two repositories asking for one blob at once cause one upstream GET, and both get the bytes', async (t) => {
  const blob = patternBody(2 * 1024 * 1024);
  const digest = digestOf(blob);
  const upstream = await registryUpstream(t, blob);
  const proc = await proxyFor(t, upstream.url);

  const [a, b, c] = await Promise.all([
    fetch(`${proc.url}/v2/hub/team/app/blobs/${digest}`),
    fetch(`${proc.url}/v2/mirror/other/image/blobs/${digest}`),
    fetch(`${proc.url}/v2/hub/team/app/blobs/${digest}`),
  ]);
  t.deepEqual([a.status, b.status, c.status], [200, 200, 200]);
  const bodies = await Promise.all([body(a), body(b), body(c)]);
  t.deepEqual(bodies.map(digestOf), [digest, digest, digest]);
  t.is(upstream.count('GET', `/blobs/${digest}`), 1, 'one upstream GET for the digest');

  // Each repository now has the blob as its own entry: served from the cache, no new request.
  const again = await fetch(`${proc.url}/v2/mirror/other/image/blobs/${digest}`);
  t.is(again.headers.get('x-artifact-cache'), 'HIT');
  t.is(digestOf(await body(again)), digest);
  t.is(upstream.count('GET', `/blobs/${digest}`), 1);
});

test('quarantine_days refuses a manifest until its digest has been known that long, by tag or digest; a moved tag starts a new clock', async (t) => {
  const layer = patternBody(1024);
  const upstream = await registryUpstream(t, layer);
  const proc = await proxyFor(t, upstream.url);
  const v1 = manifest(layer, 'first');
  upstream.tag('v1', v1);

  const refused = await fetch(`${proc.url}/v2/held/team/app/manifests/v1`);
  t.is(refused.status, 451);
  const error = ((await refused.json()) as { errors: Array<{ code: string; message: string; detail: { code: string } }> }).errors[0];
  t.is(error?.code, 'DENIED');
  t.is(error?.detail.code, 'AAPI_ERR_QUARANTINED');
  t.regex(error?.message ?? '', new RegExp(`team/app@${digestOf(v1)} was first seen`));
  const byDigest = await fetch(`${proc.url}/v2/held/team/app/manifests/${digestOf(v1)}`);
  t.is(byDigest.status, 451, 'the digest is held as well');
  t.is(upstream.count('GET', `/manifests/${digestOf(v1)}`), 0, 'the first-seen record reuses the tag bytes');
  // A repository without quarantine serves the same image at once.
  t.is((await fetch(`${proc.url}/v2/hub/team/app/manifests/v1`)).status, 200);

  await sleep(2800);
  const allowed = await fetch(`${proc.url}/v2/held/team/app/manifests/v1`);
  t.is(allowed.status, 200);
  t.is(allowed.headers.get('docker-content-digest'), digestOf(v1));
  t.deepEqual(await body(allowed), v1);

  // The tag moves: the new digest is held from the time it was first seen.
  const v2 = manifest(layer, 'second');
  upstream.tag('v1', v2);
  await sleep(1100);
  const moved = await fetch(`${proc.url}/v2/held/team/app/manifests/v1`);
  t.is(moved.status, 451);
  t.regex(((await moved.json()) as { errors: Array<{ message: string }> }).errors[0]?.message ?? '', new RegExp(digestOf(v2)));
  t.is((await fetch(`${proc.url}/v2/held/team/app/manifests/${digestOf(v1)}`)).status, 200, 'the older digest stays allowed');
});

test('with S3 storage and storage.redirect, a stored blob is a 307 to a presigned URL; a miss and a HEAD are answered directly', async (t) => {
  const blob = patternBody(256 * 1024);
  const digest = digestOf(blob);
  const upstream = await registryUpstream(t, blob);
  const s3 = await startS3rver({ bucket: 'aapi-redirect' });
  t.teardown(() => s3.close());
  const proc = await proxyFor(t, upstream.url, s3StorageYaml(s3, { redirect: 'true', redirect_ttl: '60' }));
  const url = `${proc.url}/v2/hub/team/app/blobs/${digest}`;

  const miss = await fetch(url, { redirect: 'manual' });
  t.is(miss.status, 200, 'a download in flight streams through the proxy');
  t.is(digestOf(await body(miss)), digest);

  const hit = await fetch(url, { redirect: 'manual' });
  t.is(hit.status, 307);
  const location = new URL(hit.headers.get('location') ?? '');
  t.is(location.origin, new URL(s3.endpoint).origin);
  t.truthy(location.searchParams.get('X-Amz-Signature'));
  t.is(location.searchParams.get('X-Amz-Expires'), '60');
  t.is(hit.headers.get('docker-content-digest'), digest);
  t.is(digestOf(await body(await fetch(location))), digest, 'the presigned URL serves the blob');

  const followed = await fetch(url, { headers: { range: 'bytes=0-99' } });
  t.is(followed.status, 206, 'a client following the redirect keeps its Range');
  t.deepEqual(await body(followed), blob.subarray(0, 100));
  const head = await fetch(url, { method: 'HEAD', redirect: 'manual' });
  t.is(head.status, 200);
  t.is(head.headers.get('content-length'), String(blob.length));
  t.is(upstream.count('GET', `/blobs/${digest}`), 1);
});
