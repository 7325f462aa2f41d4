import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A file under `<data>/blobs/sha256/`, with the hash of what it really holds. */
export interface BlobFile {
  /** Path relative to the data directory. */
  path: string;
  /** The file's own name, i.e. the digest it claims to be. */
  name: string;
  /** sha256 of its content. */
  actual: string;
  size: number;
}

/** Every file under `<data>/blobs/sha256/` (any depth), each hashed from disk. */
export async function blobFiles(dataDir: string): Promise<BlobFile[]> {
  const root = join(dataDir, 'blobs', 'sha256');
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  const out: BlobFile[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const { hex, size } = await hashFile(full);
    out.push({ path: full.slice(dataDir.length + 1), name: entry.name, actual: hex, size });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** Every name in `<data>/tmp/`: the blob store's files being written, and the empty ones it keeps ready. */
export async function tmpFiles(dataDir: string): Promise<string[]> {
  return readdir(join(dataDir, 'tmp')).catch(() => []);
}

/**
 * Names in `<data>/tmp/` of files that hold bytes: being written, or left behind by a write. The
 * empty files the blob store keeps ready for its next writes are not listed.
 */
export async function tmpFilesWithBytes(dataDir: string): Promise<string[]> {
  const names: string[] = [];
  for (const name of await tmpFiles(dataDir)) {
    const size = await stat(join(dataDir, 'tmp', name)).then((s) => s.size, () => 0);
    if (size > 0) names.push(name);
  }
  return names;
}

/**
 * Polls `check` until it returns true or `timeoutMs` passes; resolves to the last result.
 * For effects that follow a response asynchronously (e.g. a temp file removed after the
 * client already saw the error).
 */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(25);
  }
}

async function hashFile(path: string): Promise<{ hex: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { hex: hash.digest('hex'), size };
}
