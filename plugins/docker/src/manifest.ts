import { parseJsonDocument } from '@artifactapi/plugin-sdk';
import { RegistryError } from './errors.js';
import { DOCKER_SCHEMA1, DOCKER_SCHEMA1_SIGNED, IMAGE_TYPES, INDEX_TYPES, MANIFEST_TYPES, OCI_INDEX, OCI_MANIFEST, bareMediaType } from './media-types.js';
import { isDigest } from './reference.js';

/**
 * Reads a manifest, image index or Docker manifest list for what the registry must know about
 * it: the blobs and child manifests it references (to check a push, to prefetch a pull, to keep
 * shared blobs alive) and its `subject` (to list it as a referrer). The bytes themselves are
 * never re-serialised: they are the digest.
 */

/** Registries must accept manifests up to 4 MiB (distribution spec "Pushing manifests"); larger is a 413. */
export const MANIFEST_MAX_BYTES = 4 * 1024 * 1024;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  /** Off-registry locations (Windows foreign layers); such a blob need not exist in the registry. */
  urls?: string[];
  annotations?: Record<string, string>;
  platform?: { architecture: string; os: string; variant?: string; 'os.version'?: string };
}

export interface ParsedManifest {
  /** From the body; else the Content-Type it came with; else from its shape. */
  mediaType: string;
  schemaVersion: number;
  /** Image manifests: the config; undefined for indexes and schema 1. */
  config?: Descriptor;
  /** Image manifests: the layers (OCI artifacts: the blobs). */
  layers: Descriptor[];
  /** Indexes and lists: the child manifests. */
  manifests: Descriptor[];
  /** OCI 1.1: the manifest this one refers to. */
  subject?: Descriptor;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/**
 * Parses manifest bytes. `contentType` is the header they came with (an upstream's, or a push's),
 * used only when the body names no `mediaType` (the field is optional in OCI manifests).
 * MANIFEST_INVALID names the first problem found.
 */
export function parseManifest(body: Uint8Array | string, contentType?: string): ParsedManifest {
  const doc = readJson(body);
  const mediaType = manifestMediaType(doc, contentType);
  const schemaVersion = doc.schemaVersion;
  if (schemaVersion !== 2 && !(schemaVersion === 1 && (mediaType === DOCKER_SCHEMA1 || mediaType === DOCKER_SCHEMA1_SIGNED))) {
    throw invalid(`schemaVersion must be 2, got ${JSON.stringify(schemaVersion)}`);
  }
  // Schema 1 is passed through unread: its layer list (fsLayers) is history, not descriptors.
  if (schemaVersion === 1) return { mediaType, schemaVersion, layers: [], manifests: [] };
  const parsed: ParsedManifest = { mediaType, schemaVersion, layers: [], manifests: [] };
  if (IMAGE_TYPES.has(mediaType)) {
    parsed.config = descriptor(doc.config, 'config');
    parsed.layers = descriptors(doc.layers, 'layers');
  } else {
    parsed.manifests = descriptors(doc.manifests, 'manifests');
  }
  if (doc.subject !== undefined) parsed.subject = descriptor(doc.subject, 'subject');
  if (typeof doc.artifactType === 'string') parsed.artifactType = doc.artifactType;
  if (isStringMap(doc.annotations)) parsed.annotations = doc.annotations;
  return parsed;
}

/**
 * The manifest's media type: the body's `mediaType`; else a manifest `contentType`; else by
 * shape (`manifests` → OCI index, `config` → OCI manifest). MANIFEST_INVALID when none fits, or
 * when the body names a type that is not a manifest.
 */
export function manifestMediaType(doc: Record<string, unknown>, contentType?: string): string {
  if (typeof doc.mediaType === 'string') {
    const type = bareMediaType(doc.mediaType);
    if (!MANIFEST_TYPES.has(type)) throw invalid(`mediaType ${doc.mediaType} is not a manifest type`);
    return type;
  }
  const header = contentType === undefined ? '' : bareMediaType(contentType);
  if (MANIFEST_TYPES.has(header)) return header;
  if (doc.schemaVersion === 1) return 'signatures' in doc ? DOCKER_SCHEMA1_SIGNED : DOCKER_SCHEMA1;
  if (Array.isArray(doc.manifests)) return OCI_INDEX;
  if (doc.config !== undefined) return OCI_MANIFEST;
  throw invalid('no mediaType, and neither manifests nor config');
}

/** Every blob a manifest needs in the registry: config and layers, less foreign layers (`urls`). */
export function referencedBlobs(manifest: ParsedManifest): Descriptor[] {
  const blobs = manifest.config ? [manifest.config, ...manifest.layers] : [...manifest.layers];
  return blobs.filter((d) => d.urls === undefined || d.urls.length === 0);
}

/** The child manifests of an index or list; none for an image manifest. */
export function childManifests(manifest: ParsedManifest): Descriptor[] {
  return manifest.manifests;
}

export function isIndex(manifest: ParsedManifest): boolean {
  return INDEX_TYPES.has(manifest.mediaType);
}

function readJson(body: Uint8Array | string): Record<string, unknown> {
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  if (size > MANIFEST_MAX_BYTES) throw new RegistryError('MANIFEST_INVALID', { message: `manifest larger than ${MANIFEST_MAX_BYTES} bytes`, status: 413 });
  let doc: unknown;
  try {
    doc = parseJsonDocument(body, 'manifest');
  } catch (err) {
    throw invalid((err as Error).message);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalid('manifest is not a JSON object');
  return doc as Record<string, unknown>;
}

function descriptors(value: unknown, field: string): Descriptor[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid(`${field} must be an array`);
  return value.map((d, i) => descriptor(d, `${field}[${i}]`));
}

function descriptor(value: unknown, field: string): Descriptor {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${field} must be a descriptor object`);
  const d = value as Record<string, unknown>;
  if (typeof d.mediaType !== 'string' || d.mediaType === '') throw invalid(`${field}.mediaType must be a string`);
  if (typeof d.digest !== 'string' || !isDigest(d.digest)) throw invalid(`${field}.digest is not a valid digest`);
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) throw invalid(`${field}.size must be a non-negative integer`);
  const out: Descriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size };
  if (typeof d.artifactType === 'string') out.artifactType = d.artifactType;
  if (Array.isArray(d.urls) && d.urls.every((u) => typeof u === 'string')) out.urls = d.urls as string[];
  if (isStringMap(d.annotations)) out.annotations = d.annotations;
  const platform = d.platform as Record<string, unknown> | undefined;
  if (platform && typeof platform.architecture === 'string' && typeof platform.os === 'string') out.platform = platform as unknown as NonNullable<Descriptor['platform']>;
  return out;
}

function isStringMap(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}

function invalid(reason: string): RegistryError {
  return new RegistryError('MANIFEST_INVALID', { detail: { reason } });
}
