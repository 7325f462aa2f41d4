import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tarOf } from './tar-archive.js';

/**
 * A small multi-arch image written as an OCI image layout directory, from nothing (no network,
 * no base image), for skopeo to push to a registry: one layer shared by every architecture, one
 * layer and one config of its own per architecture, a manifest per architecture and an image
 * index over them. Fixed timestamps make the digests the same on every run.
 */

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
const EPOCH = new Date('2026-01-01T00:00:00Z');

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string };
  annotations?: Record<string, string>;
}

export interface OciImage {
  /** The layout directory: `oci:<dir>:<tag>` for skopeo. */
  dir: string;
  tag: string;
  /** The image index. */
  index: Descriptor;
  /** One manifest per architecture, in the order asked. */
  manifests: Descriptor[];
  /** The layer every architecture shares. */
  sharedLayer: Descriptor;
  /** Per architecture: its config and its own layer. */
  perArch: Record<string, { config: Descriptor; layer: Descriptor }>;
}

/** Writes the image into `dir` (created) with `tag` as its ref name. */
export async function buildOciImage(dir: string, tag = 'v1', architectures: readonly string[] = ['amd64', 'arm64']): Promise<OciImage> {
  const blobs = join(dir, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  const put = async (mediaType: string, bytes: Buffer, extra: Partial<Descriptor> = {}): Promise<Descriptor> => {
    const hex = createHash('sha256').update(bytes).digest('hex');
    await writeFile(join(blobs, hex), bytes);
    return { mediaType, digest: `sha256:${hex}`, size: bytes.length, ...extra };
  };
  const layerBytes = async (files: Record<string, string>) => gzipSync(await tarOf(files, EPOCH), { level: 9 });
  const diffId = (gz: Buffer) => `sha256:${createHash('sha256').update(gunzipSync(gz)).digest('hex')}`;

  const sharedTar = await layerBytes({ 'etc/os-release': 'NAME=artifactapi-fixture\n', 'shared.txt': 'in every architecture\n' });
  const sharedLayer = await put(OCI_LAYER, sharedTar);
  const manifests: Descriptor[] = [];
  const perArch: OciImage['perArch'] = {};
  for (const architecture of architectures) {
    const ownTar = await layerBytes({ 'arch.txt': `${architecture}\n` });
    const layer = await put(OCI_LAYER, ownTar);
    const configDoc = {
      created: EPOCH.toISOString(),
      architecture,
      os: 'linux',
      config: { Cmd: ['/bin/true'], Labels: { 'org.opencontainers.image.title': 'artifactapi-fixture' } },
      rootfs: { type: 'layers', diff_ids: [diffId(sharedTar), diffId(ownTar)] },
      history: [{ created: EPOCH.toISOString(), created_by: 'test/helpers/oci-image.ts' }],
    };
    const config = await put(OCI_CONFIG, Buffer.from(JSON.stringify(configDoc)));
    const manifestDoc = { schemaVersion: 2, mediaType: OCI_MANIFEST, config: strip(config), layers: [strip(sharedLayer), strip(layer)] };
    manifests.push(await put(OCI_MANIFEST, Buffer.from(JSON.stringify(manifestDoc)), { platform: { architecture, os: 'linux' } }));
    perArch[architecture] = { config, layer };
  }
  const indexDoc = { schemaVersion: 2, mediaType: OCI_INDEX, manifests };
  const index = await put(OCI_INDEX, Buffer.from(JSON.stringify(indexDoc)));
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const layoutIndex = { schemaVersion: 2, manifests: [{ ...index, annotations: { 'org.opencontainers.image.ref.name': tag } }] };
  await writeFile(join(dir, 'index.json'), JSON.stringify(layoutIndex));
  return { dir, tag, index, manifests, sharedLayer, perArch };
}

function strip({ mediaType, digest, size }: Descriptor): Descriptor {
  return { mediaType, digest, size };
}
