import { parseJsonDocument } from '@artifactapi/plugin-sdk';
import { resolveLink } from './file-urls.js';
import type { SimpleFile, SimpleProject } from './simple-model.js';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hashMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(value)) return out;
  for (const [name, hex] of Object.entries(value)) if (typeof hex === 'string') out[name.toLowerCase()] = hex.toLowerCase();
  return out;
}

function metadataKey(value: unknown): SimpleFile['coreMetadata'] {
  if (value === true) return true;
  if (isObject(value)) return hashMap(value);
  return undefined;
}

/** Reads a PEP 691 project page; relative file URLs resolve against `documentUrl`. */
export function parseJsonProject(text: string, documentUrl: string, fallbackName: string): SimpleProject {
  const doc = parseJsonDocument(text, 'PEP 691 project page');
  if (!isObject(doc) || !Array.isArray(doc.files)) throw new SyntaxError('not a PEP 691 project page: no files array');
  const meta = isObject(doc.meta) ? doc.meta : {};
  const files: SimpleFile[] = [];
  for (const raw of doc.files) {
    if (!isObject(raw) || typeof raw.filename !== 'string' || typeof raw.url !== 'string') continue;
    const url = resolveLink(raw.url, documentUrl);
    if (!url) continue;
    url.hash = '';
    const file: SimpleFile = { filename: raw.filename, url: url.href, hashes: hashMap(raw.hashes), raw };
    if (typeof raw['requires-python'] === 'string') file.requiresPython = raw['requires-python'];
    const metadata = metadataKey(raw['core-metadata'] ?? raw['dist-info-metadata']);
    if (metadata) file.coreMetadata = metadata;
    if (raw.yanked === true || (typeof raw.yanked === 'string' && raw.yanked !== '')) file.yanked = raw.yanked;
    if (typeof raw['upload-time'] === 'string') file.uploadTime = raw['upload-time'];
    if (typeof raw['gpg-sig'] === 'boolean') file.gpgSig = raw['gpg-sig'];
    if (typeof raw.provenance === 'string') {
      const provenance = resolveLink(raw.provenance, documentUrl);
      if (provenance) file.provenance = provenance.href;
    }
    files.push(file);
  }
  return {
    name: typeof doc.name === 'string' ? doc.name : fallbackName,
    apiVersion: typeof meta['api-version'] === 'string' ? meta['api-version'] : '1.0',
    files,
    versions: Array.isArray(doc.versions) ? doc.versions.filter((v): v is string => typeof v === 'string') : undefined,
    raw: doc,
  };
}
