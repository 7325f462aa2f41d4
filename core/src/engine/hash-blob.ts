import { createHash } from 'node:crypto';
import type { ExpectedDigest } from '@artifactapi/plugin-sdk';
import type { BlobStore } from '../storage/blob-store.js';

/** The hex digest of a stored blob under another algorithm than its sha256 address. */
export async function hashBlob(blobs: BlobStore, digest: string, algorithm: Exclude<ExpectedDigest['algorithm'], 'sha256'>): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of await blobs.read(digest)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
