import { createHash } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { serviceGate } from '@artifactapi/core/testing/services';
import { DOCKER_REGISTRY_BIN, startRegistry } from './helpers/docker-registry.js';
import { buildOciImage, OCI_INDEX, OCI_MANIFEST, type OciImage } from './helpers/oci-image.js';
import { startTokenServer } from './helpers/registry-token-server.js';
import { startServe } from './helpers/serve-process.js';
import { SKOPEO_BIN, commandRuns, pushImage, skopeo } from './helpers/skopeo.js';
import type { Teardown } from './helpers/teardown.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';

// skopeo pulls through a docker remote of ArtifactAPI from a CNCF distribution upstream.
const clients = await serviceGate('skopeo and docker-registry (apt: skopeo docker-registry)', async () => {
  await commandRuns(SKOPEO_BIN);
  await commandRuns(DOCKER_REGISTRY_BIN);
});

const sha256 = (bytes: string | Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** A forwarder in front of the upstream registry that records every request it passes on. */
interface CountingProxy {
  url: string;
  requests: string[];
  count(method: string, pathPart: string): number;
  /** When set, every request is answered with this status instead of being passed on. */
  failWith?: number;
}

async function countingProxy(t: Teardown, target: string): Promise<CountingProxy> {
  const requests: string[] = [];
  const to = new URL(target);
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (proxy.failWith !== undefined) {
      res.writeHead(proxy.failWith, { 'retry-after': '60' });
      res.end();
      return;
    }
    const out = httpRequest({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  const proxy: CountingProxy = {
    url: '',
    requests,
    count: (method, pathPart) => requests.filter((r) => r.startsWith(`${method} `) && r.includes(pathPart)).length,
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

/** Two remotes of the same upstream, `hub` and `mirror`, with a one-second tag TTL. */
function dockerConfig(baseUrl: string, extra = ''): string {
  const remote = (name: string) => `
  ${name}:
    type: remote
    package: docker
    base_url: ${baseUrl}
    cache: { mutable_ttl: 1 }
${extra.replace(/^/gm, '    ')}`;
  return `remotes:${remote('hub')}${remote('mirror')}
`;
}

async function proxyFor(t: Teardown, baseUrl: string, extra = '') {
  const config = await writeConfig(await tempDir(t, 'aapi-docker-cfg-'), dockerConfig(baseUrl, extra));
  const proc = await startServe(t, { config });
  return { proc, host: `127.0.0.1:${proc.port}` };
}

async function pull(reference: string, out: string, extra: readonly string[] = []): Promise<{ manifests: Array<{ digest: string; mediaType: string }> }> {
  await skopeo(['copy', '--src-tls-verify=false', ...extra, `docker://${reference}`, `oci:${out}:pulled`]);
  return JSON.parse(await readFile(join(out, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string; mediaType: string }> };
}

async function assertBlobs(t: { is(a: unknown, b: unknown, m?: string): void }, out: string, digests: string[]): Promise<void> {
  for (const digest of digests) {
    const bytes = await readFile(join(out, 'blobs', 'sha256', digest.slice('sha256:'.length)));
    t.is(sha256(bytes), digest, digest);
  }
}

function arch(image: OciImage, name: string) {
  const manifest = image.manifests.find((m) => m.platform?.architecture === name);
  const own = image.perArch[name];
  if (!manifest || !own) throw new Error(`no ${name} in the fixture`);
  return { manifest, own };
}

/** The fixture image pushed to a fresh upstream registry under each `image:tag` (`:v2s2` tags in Docker schema 2). */
async function upstreamWith(t: Teardown, references: readonly string[]) {
  const dir = await tempDir(t, 'aapi-docker-');
  const image = await buildOciImage(join(dir, 'layout'));
  const upstream = await startRegistry(t);
  for (const ref of references) await pushImage(image, `${upstream.host}/${ref}`, ref.endsWith(':v2s2') ? { format: 'v2s2' } : {});
  return { dir, image, upstream };
}

clients.test('skopeo pulls by tag and by digest, OCI and Docker schema-2, multi-arch; unchanged tags cost one HEAD, shared blobs one GET', async (t) => {
  const { dir, image, upstream } = await upstreamWith(t, ['team/app:v1', 'team/other:v1', 'team/app:v2s2']);
  const counter = await countingProxy(t, upstream.url);
  const { proc, host } = await proxyFor(t, counter.url);

  const ping = await fetch(`${proc.url}/v2/`);
  t.is(ping.status, 200);
  t.is(ping.headers.get('docker-distribution-api-version'), 'registry/2.0');
  const unknown = await fetch(`${proc.url}/v2/nope/team/app/manifests/v1`);
  t.is(unknown.status, 404);
  t.is(((await unknown.json()) as { errors: Array<{ code: string }> }).errors[0]?.code, 'NAME_UNKNOWN');

  // By tag, one architecture of the OCI index.
  const arm = arch(image, 'arm64');
  const out1 = join(dir, 'pull-arm64');
  const pulled = await pull(`${host}/hub/team/app:v1`, out1, ['--override-arch', 'arm64']);
  t.is(pulled.manifests[0]?.digest, arm.manifest.digest);
  t.is(pulled.manifests[0]?.mediaType, OCI_MANIFEST);
  await assertBlobs(t, out1, [image.sharedLayer.digest, arm.own.layer.digest, arm.own.config.digest]);

  // The index is served with its exact bytes and stored media type, whatever the Accept.
  const index = await fetch(`${proc.url}/v2/hub/team/app/manifests/v1`, { headers: { accept: `${OCI_INDEX}, application/json` } });
  const indexBytes = Buffer.from(await index.arrayBuffer());
  t.is(sha256(indexBytes), image.index.digest);
  t.is(index.headers.get('content-type'), OCI_INDEX);
  t.is(index.headers.get('docker-content-digest'), image.index.digest);
  const refused = await fetch(`${proc.url}/v2/hub/team/app/manifests/v1`, { headers: { accept: OCI_MANIFEST } });
  t.is(refused.status, 404, 'a client that does not take indexes gets MANIFEST_UNKNOWN, not another body');

  // The other architecture: the shared layer is not fetched again.
  const amd = arch(image, 'amd64');
  const out2 = join(dir, 'pull-amd64');
  const pulled2 = await pull(`${host}/hub/team/app@${image.index.digest}`, out2, ['--override-arch', 'amd64']);
  t.is(pulled2.manifests[0]?.digest, amd.manifest.digest);
  await assertBlobs(t, out2, [image.sharedLayer.digest, amd.own.layer.digest, amd.own.config.digest]);
  t.is(counter.count('GET', `/blobs/${image.sharedLayer.digest}`), 1, 'one GET for the layer both architectures share');

  // Another image with the same layers: no blob GET at all.
  const blobGets = counter.requests.filter((r) => r.startsWith('GET ') && r.includes('/blobs/')).length;
  await pull(`${host}/hub/team/other:v1`, join(dir, 'pull-other'), ['--override-arch', 'arm64']);
  t.is(counter.requests.filter((r) => r.startsWith('GET ') && r.includes('/blobs/')).length, blobGets, 'blobs shared across images are fetched once');
  // Another remote repository of the product: the stored layers are reused, not fetched again.
  const out5 = join(dir, 'pull-mirror');
  await pull(`${host}/mirror/team/app:v1`, out5, ['--override-arch', 'arm64']);
  await assertBlobs(t, out5, [image.sharedLayer.digest, arm.own.layer.digest, arm.own.config.digest]);
  t.is(counter.requests.filter((r) => r.startsWith('GET ') && r.includes('/blobs/')).length, blobGets, 'blobs shared across repositories are fetched once');

  // Docker schema-2 (a manifest list of schema-2 manifests).
  const out3 = join(dir, 'pull-v2s2');
  const pulled3 = await pull(`${host}/hub/team/app:v2s2`, out3, ['--override-arch', 'arm64']);
  t.is(pulled3.manifests.length, 1);
  await assertBlobs(t, out3, [image.sharedLayer.digest]);

  // After the TTL an unchanged tag costs one HEAD and no GET.
  await sleep(1500);
  const gets = counter.count('GET', '/manifests/v1');
  const heads = counter.count('HEAD', '/manifests/v1');
  const again = await fetch(`${proc.url}/v2/hub/team/app/manifests/v1`);
  t.is(sha256(Buffer.from(await again.arrayBuffer())), image.index.digest);
  t.is(again.headers.get('x-artifact-cache'), 'REVALIDATED');
  t.is(counter.count('GET', '/manifests/v1'), gets, 'no GET for an unchanged tag');
  t.is(counter.count('HEAD', '/manifests/v1'), heads + 1, 'one HEAD');

  // Upstream stopped: cached tags, digests and blobs keep serving.
  await upstream.stop();
  await sleep(1500);
  const out4 = join(dir, 'pull-offline');
  const pulled4 = await pull(`${host}/hub/team/app:v1`, out4, ['--override-arch', 'arm64']);
  t.is(pulled4.manifests[0]?.digest, arm.manifest.digest);
  await assertBlobs(t, out4, [image.sharedLayer.digest, arm.own.layer.digest, arm.own.config.digest]);
});

clients.test('pulls through an upstream that requires token auth, anonymously and with credentials; tokens are reused', async (t) => {
  const dir = await tempDir(t, 'aapi-docker-');
  const image = await buildOciImage(join(dir, 'layout'));
  const tokens = await startTokenServer(t, dir, { username: 'puller', password: 'secret' });
  const upstream = await startRegistry(t, { tokenAuth: tokens });
  await pushImage(image, `${upstream.host}/team/app:v1`, { creds: 'puller:secret' });
  const before = tokens.requests.length;

  const anonymous = await proxyFor(t, upstream.url);
  const arm = arch(image, 'arm64');
  const out = join(dir, 'anon');
  const pulled = await pull(`${anonymous.host}/hub/team/app:v1`, out, ['--override-arch', 'arm64']);
  t.is(pulled.manifests[0]?.digest, arm.manifest.digest);
  await assertBlobs(t, out, [image.sharedLayer.digest, arm.own.layer.digest, arm.own.config.digest]);
  const anonymousRequests = tokens.requests.slice(before);
  t.true(anonymousRequests.length >= 1);
  t.true(anonymousRequests.every((r) => r.user === undefined && r.scopes.includes('repository:team/app:pull')));
  t.true(anonymousRequests.length <= 2, `one token per scope, reused: ${JSON.stringify(anonymousRequests)}`);

  const withCreds = await proxyFor(t, upstream.url, 'username: puller\npassword: secret');
  const mark = tokens.requests.length;
  const pulled2 = await pull(`${withCreds.host}/hub/team/app:v1`, join(dir, 'creds'), ['--override-arch', 'amd64']);
  t.is(pulled2.manifests[0]?.digest, arch(image, 'amd64').manifest.digest);
  t.true(tokens.requests.slice(mark).some((r) => r.user === 'puller'));
});

clients.test('a moved tag is fetched again; a cached tag keeps serving while the upstream answers 429; ban_tags refuses tags and hides them from tags/list', async (t) => {
  const { image, upstream } = await upstreamWith(t, ['team/app:v1', 'team/app:latest']);
  const counter = await countingProxy(t, upstream.url);
  const { proc } = await proxyFor(t, counter.url, 'ban_tags: [latest]');

  const first = await fetch(`${proc.url}/v2/hub/team/app/manifests/v1`);
  t.is(sha256(Buffer.from(await first.arrayBuffer())), image.index.digest);
  const banned = await fetch(`${proc.url}/v2/hub/team/app/manifests/latest`);
  t.is(banned.status, 403);
  t.is(((await banned.json()) as { errors: Array<{ code: string }> }).errors[0]?.code, 'DENIED');
  const tags = await fetch(`${proc.url}/v2/hub/team/app/tags/list`);
  t.deepEqual(await tags.json(), { name: 'team/app', tags: ['v1'] });

  // ?ns= (containerd's mirror requests) is accepted; blobs answer Range and HEAD with their digest.
  const withNs = await fetch(`${proc.url}/v2/hub/team/app/manifests/v1?ns=docker.io`, { method: 'HEAD' });
  t.is(withNs.status, 200);
  t.is(withNs.headers.get('docker-content-digest'), image.index.digest);
  const layer = image.sharedLayer.digest;
  const ranged = await fetch(`${proc.url}/v2/hub/team/app/blobs/${layer}`, { headers: { range: 'bytes=0-9' } });
  t.is(ranged.status, 206);
  t.is((await ranged.arrayBuffer()).byteLength, 10);
  const blobHead = await fetch(`${proc.url}/v2/hub/team/app/blobs/${layer}`, { method: 'HEAD' });
  t.is(blobHead.status, 200);
  t.is(blobHead.headers.get('docker-content-digest'), layer);
  t.is(blobHead.headers.get('content-length'), String(image.sharedLayer.size));
  const badDigest = await fetch(`${proc.url}/v2/hub/team/app/blobs/sha256:nothex`);
  t.is(badDigest.status, 400);
  t.is(((await badDigest.json()) as { errors: Array<{ code: string }> }).errors[0]?.code, 'DIGEST_INVALID');

  // A tag moved upstream: the HEAD sees another digest and the new manifest is fetched.
  const moved = await buildOciImage(join(await tempDir(t, 'aapi-docker-'), 'layout'), 'v1', ['amd64']);
  await pushImage(moved, `${upstream.host}/team/app:v1`);
  await sleep(1500);
  const gets = counter.count('GET', '/team/app/manifests/v1');
  const after = await fetch(`${proc.url}/v2/hub/team/app/manifests/v1`);
  t.is(after.headers.get('docker-content-digest'), moved.index.digest);
  t.is(sha256(Buffer.from(await after.arrayBuffer())), moved.index.digest);
  t.is(counter.count('GET', '/team/app/manifests/v1'), gets + 1);

  counter.failWith = 429;
  await sleep(1500);
  const stale = await fetch(`${proc.url}/v2/hub/team/app/manifests/v1`, { method: 'HEAD' });
  t.is(stale.status, 200);
  t.is(stale.headers.get('docker-content-digest'), moved.index.digest);
  t.is(stale.headers.get('x-artifact-cache'), 'STALE');
  const missing = await fetch(`${proc.url}/v2/hub/team/app/manifests/v9`);
  // Nothing cached to fall back on: the upstream failure, in the registry's words.
  t.is(missing.status, 502);
  t.is(((await missing.json()) as { errors: Array<{ code: string }> }).errors[0]?.code, 'UNAVAILABLE');
});
