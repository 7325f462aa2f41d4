import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serviceGate } from '@artifactapi/core/testing/services';
import { DOCKER_REGISTRY_BIN, startRegistry } from './helpers/docker-registry.js';
import { buildOciImage, OCI_INDEX, OCI_MANIFEST } from './helpers/oci-image.js';
import { startTokenServer } from './helpers/registry-token-server.js';
import { SKOPEO_BIN, commandRuns, inspectRaw, pushImage, skopeo } from './helpers/skopeo.js';
import { tempDir } from './helpers/temp-dir.js';

// The fixtures the docker plugin's real-client tests stand on: if these fail, those cannot pass.
const clients = await serviceGate('skopeo and docker-registry (apt: skopeo docker-registry)', async () => {
  await commandRuns(SKOPEO_BIN);
  await commandRuns(DOCKER_REGISTRY_BIN);
});

const sha256 = (bytes: string | Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

clients.test('the image pushes to a registry and comes back with the same digests, per architecture too', async (t) => {
  const dir = await tempDir(t, 'aapi-oci-');
  const image = await buildOciImage(join(dir, 'layout'));
  const registry = await startRegistry(t);
  await pushImage(image, `${registry.host}/fixture/app:v1`);

  const index = await inspectRaw(`${registry.host}/fixture/app:v1`);
  t.is(sha256(index), image.index.digest, 'the index bytes are kept exactly');
  const parsed = JSON.parse(index) as { mediaType: string; manifests: Array<{ digest: string; platform: { architecture: string } }> };
  t.is(parsed.mediaType, OCI_INDEX);
  t.deepEqual(
    parsed.manifests.map((m) => [m.platform.architecture, m.digest]),
    image.manifests.map((m) => [m.platform?.architecture, m.digest]),
  );

  // A pull of one architecture, as `--override-arch` makes a client on another machine do.
  const out = join(dir, 'pulled');
  await skopeo(['copy', '--src-tls-verify=false', '--override-arch', 'arm64', `docker://${registry.host}/fixture/app:v1`, `oci:${out}:pulled`]);
  const pulledIndex = JSON.parse(await readFile(join(out, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string; mediaType: string }> };
  const arm64 = image.manifests.find((m) => m.platform?.architecture === 'arm64');
  const own = image.perArch.arm64;
  if (!arm64 || !own) return t.fail('no arm64 in the fixture');
  t.is(pulledIndex.manifests.length, 1);
  t.is(pulledIndex.manifests[0]?.digest, arm64.digest);
  t.is(pulledIndex.manifests[0]?.mediaType, OCI_MANIFEST);
  for (const blob of [image.sharedLayer, own.layer, own.config]) {
    const bytes = await readFile(join(out, 'blobs', 'sha256', blob.digest.slice('sha256:'.length)));
    t.is(sha256(bytes), blob.digest);
  }
});

clients.test('the Docker schema-2 form pushes as a manifest list of schema-2 manifests, same layers', async (t) => {
  const dir = await tempDir(t, 'aapi-oci-');
  const image = await buildOciImage(join(dir, 'layout'), 'v2');
  const registry = await startRegistry(t);
  await pushImage(image, `${registry.host}/fixture/app:v2`, { format: 'v2s2' });
  const list = JSON.parse(await inspectRaw(`${registry.host}/fixture/app:v2`)) as { mediaType: string; manifests: Array<{ digest: string; mediaType: string }> };
  t.is(list.mediaType, 'application/vnd.docker.distribution.manifest.list.v2+json');
  t.is(list.manifests.length, 2);
  const child = await inspectRaw(`${registry.host}/fixture/app@${list.manifests[0]?.digest}`);
  t.is(sha256(child), list.manifests[0]?.digest);
  const manifest = JSON.parse(child) as { mediaType: string; layers: Array<{ digest: string; mediaType: string }> };
  t.is(manifest.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
  t.is(manifest.layers[0]?.digest, image.sharedLayer.digest, 'layers keep their digests across the conversion');
  t.is(manifest.layers[0]?.mediaType, 'application/vnd.docker.image.rootfs.diff.tar.gzip');
});

clients.test('with token auth the registry refuses anonymous pushes and takes them with credentials', async (t) => {
  const dir = await tempDir(t, 'aapi-oci-');
  const image = await buildOciImage(join(dir, 'layout'));
  const tokens = await startTokenServer(t, dir, { username: 'pusher', password: 'secret' });
  const registry = await startRegistry(t, { tokenAuth: tokens });

  const ping = await fetch(`${registry.url}/v2/`);
  await ping.arrayBuffer();
  t.is(ping.status, 401);
  t.regex(ping.headers.get('www-authenticate') ?? '', new RegExp(`^Bearer realm="${tokens.realm}",service="${tokens.service}"`));

  await t.throwsAsync(pushImage(image, `${registry.host}/fixture/app:v1`), { message: /denied|unauthorized|authentication required/i });
  await pushImage(image, `${registry.host}/fixture/app:v1`, { creds: 'pusher:secret' });
  // Anonymous tokens carry pull, so an anonymous pull works once the image is there.
  t.is(sha256(await inspectRaw(`${registry.host}/fixture/app:v1`)), image.index.digest);
  t.true(tokens.requests.some((r) => r.user === 'pusher' && r.scopes.some((s) => s.endsWith(':pull,push') || s.endsWith(':push,pull'))));
  t.true(tokens.requests.some((r) => r.user === undefined));
});

clients.test('a pull-through registry serves the upstream image with the same digest', async (t) => {
  const dir = await tempDir(t, 'aapi-oci-');
  const image = await buildOciImage(join(dir, 'layout'));
  const upstream = await startRegistry(t);
  await pushImage(image, `${upstream.host}/fixture/app:v1`);
  const mirror = await startRegistry(t, { proxy: { remoteurl: upstream.url } });
  t.is(sha256(await inspectRaw(`${mirror.host}/fixture/app:v1`)), image.index.digest);
});
