import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** Input of the `hashFile` task. */
export interface HashFileInput {
  path: string;
  /** Extra algorithms to compute besides sha256 (e.g. an upstream's sha512 integrity). */
  algorithms?: ('sha1' | 'sha512')[];
}

export interface HashFileOutput {
  size: number;
  /** Hex digests by algorithm; always has sha256. */
  digests: Record<string, string>;
}

const CHUNK = 1 << 20;

/** Hashes a file with sha256 (and any extra algorithms). Runs in a pool worker or inline. */
export async function hashFile(input: HashFileInput): Promise<HashFileOutput> {
  const algorithms = ['sha256', ...(input.algorithms ?? [])];
  const hashes = algorithms.map((a) => createHash(a));
  const handle = await open(input.path, 'r');
  const buffer = Buffer.allocUnsafe(CHUNK);
  let size = 0;
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      const view = buffer.subarray(0, bytesRead);
      for (const h of hashes) h.update(view);
      size += bytesRead;
    }
  } finally {
    await handle.close();
  }
  const digests: Record<string, string> = {};
  algorithms.forEach((a, i) => (digests[a] = hashes[i]!.digest('hex')));
  return { size, digests };
}
