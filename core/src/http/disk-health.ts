import { statfs } from 'node:fs/promises';

/** What `/health` says about one local directory the server writes to. */
export interface DiskHealth {
  path: string;
  ok: boolean;
  free_bytes?: number;
  total_bytes?: number;
  error?: string;
}

/** Below this much free space (or 5% of a small disk) downloads and uploads are about to fail. */
const LOW_SPACE_BYTES = 64 * 1024 * 1024;
const LOW_SPACE_SHARE = 0.05;

/**
 * Free space on the file system holding `path`. A full data disk leaves hits working but makes
 * every miss and upload fail, so `/health` must not call it ok.
 */
export async function diskHealth(path: string): Promise<DiskHealth> {
  try {
    const fs = await statfs(path);
    const free = fs.bavail * fs.bsize;
    const total = fs.blocks * fs.bsize;
    const ok = free >= Math.min(LOW_SPACE_BYTES, total * LOW_SPACE_SHARE);
    return {
      path,
      ok,
      free_bytes: free,
      total_bytes: total,
      ...(ok ? {} : { error: `only ${free} bytes free: downloads and uploads will fail` }),
    };
  } catch (err) {
    return { path, ok: false, error: (err as Error).message };
  }
}
