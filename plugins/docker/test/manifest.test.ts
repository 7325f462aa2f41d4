import test from 'ava';
import {
  DOCKER_LIST,
  DOCKER_MANIFEST,
  MANIFEST_MAX_BYTES,
  OCI_EMPTY,
  OCI_INDEX,
  OCI_MANIFEST,
  childManifests,
  isIndex,
  parseManifest,
  referencedBlobs,
} from '../src/index.js';
import type { RegistryError } from '../src/index.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const desc = (mediaType: string, c: string, size = 10, extra: object = {}) => ({ mediaType, digest: d(c), size, ...extra });
const json = (doc: object) => JSON.stringify(doc);

const dockerImage = {
  schemaVersion: 2,
  mediaType: DOCKER_MANIFEST,
  config: desc('application/vnd.docker.container.image.v1+json', '1'),
  layers: [
    desc('application/vnd.docker.image.rootfs.diff.tar.gzip', '2'),
    desc('application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', '3', 99, { urls: ['https://mcr.microsoft.com/x'] }),
  ],
};

test('a Docker schema-2 manifest lists config and layers, less the foreign layer', (t) => {
  const m = parseManifest(json(dockerImage));
  t.is(m.mediaType, DOCKER_MANIFEST);
  t.deepEqual(referencedBlobs(m).map((b) => b.digest), [d('1'), d('2')]);
  t.deepEqual(m.layers[1]?.urls, ['https://mcr.microsoft.com/x']);
  t.deepEqual(childManifests(m), []);
  t.false(isIndex(m));
});

test('a Docker list and an OCI index list child manifests with their platforms', (t) => {
  const platform = { architecture: 'arm64', os: 'linux', variant: 'v8' };
  for (const mediaType of [DOCKER_LIST, OCI_INDEX]) {
    const m = parseManifest(json({ schemaVersion: 2, mediaType, manifests: [desc(DOCKER_MANIFEST, '4', 500, { platform }), desc(DOCKER_MANIFEST, '5')] }));
    t.true(isIndex(m));
    t.deepEqual(childManifests(m).map((c) => c.digest), [d('4'), d('5')]);
    t.deepEqual(childManifests(m)[0]?.platform, platform);
    t.deepEqual(referencedBlobs(m), []);
  }
});

test('without mediaType in the body, the Content-Type decides, else the shape', (t) => {
  const bare = { schemaVersion: 2, config: desc(OCI_EMPTY, '6', 2), layers: [] };
  t.is(parseManifest(json(bare)).mediaType, OCI_MANIFEST);
  t.is(parseManifest(json(bare), `${DOCKER_MANIFEST}; charset=utf-8`).mediaType, DOCKER_MANIFEST);
  t.is(parseManifest(json({ schemaVersion: 2, manifests: [] })).mediaType, OCI_INDEX);
  // The body's own field wins over a header that disagrees.
  t.is(parseManifest(json(dockerImage), OCI_MANIFEST).mediaType, DOCKER_MANIFEST);
});

test('subject, artifactType and annotations are read for the referrers API', (t) => {
  const m = parseManifest(
    json({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 'application/vnd.example.sbom',
      config: desc(OCI_EMPTY, '7', 2),
      layers: [desc('application/spdx+json', '8')],
      subject: desc(OCI_MANIFEST, '9', 1234),
      annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' },
    }),
  );
  t.deepEqual(m.subject, desc(OCI_MANIFEST, '9', 1234));
  t.is(m.artifactType, 'application/vnd.example.sbom');
  t.deepEqual(m.annotations, { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' });
});

test('schema 1 passes through unread', (t) => {
  const m = parseManifest(json({ schemaVersion: 1, name: 'x', tag: 'y', fsLayers: [{ blobSum: d('a') }], signatures: [] }));
  t.is(m.mediaType, 'application/vnd.docker.distribution.manifest.v1+prettyjws');
  t.deepEqual(referencedBlobs(m), []);
});

test('broken manifests are MANIFEST_INVALID naming the problem; an oversized one is a 413', (t) => {
  const reason = (body: string | Uint8Array) => {
    const err = t.throws(() => parseManifest(body)) as RegistryError;
    t.is(err.code, 'MANIFEST_INVALID');
    return `${err.status} ${(err.detail as { reason?: string } | undefined)?.reason ?? err.message}`;
  };
  t.regex(reason('{'), /^400 manifest is not valid JSON/);
  t.is(reason('[]'), '400 manifest is not a JSON object');
  t.is(reason(json({ ...dockerImage, schemaVersion: 3 })), '400 schemaVersion must be 2, got 3');
  t.is(reason(json({ ...dockerImage, mediaType: 'application/json' })), '400 mediaType application/json is not a manifest type');
  t.is(reason(json({ ...dockerImage, config: { ...dockerImage.config, digest: 'sha256:nothex' } })), '400 config.digest is not a valid digest');
  t.is(reason(json({ ...dockerImage, layers: [{ ...dockerImage.layers[0], size: -1 }] })), '400 layers[0].size must be a non-negative integer');
  t.is(reason(json({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: {} })), '400 manifests must be an array');
  t.is(reason(json({ schemaVersion: 2 })), '400 no mediaType, and neither manifests nor config');
  t.regex(reason(new Uint8Array(MANIFEST_MAX_BYTES + 1)), /^413 manifest larger than/);
});
