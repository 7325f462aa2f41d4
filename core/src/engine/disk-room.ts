import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Free space a miss may take without a second thought: the margin `/health` calls low. */
const MARGIN_BYTES = 64 * 1024 * 1024;
/** How old a reading may be before it is taken again (in the background; the caller never waits). */
const FRESH_MS = 1_000;

interface Reading {
  free: number;
  at: number;
  refreshing: boolean;
}

const readings = new Map<string, Reading>();

/**
 * Whether the file system holding `file` had room for `bytes` more plus a margin at its last
 * reading (at most a second old). Answers from memory: a miss asks on its way to the first byte.
 * A directory not read yet, or whose reading failed, has no known room.
 */
export function knownRoomFor(file: string, bytes: number): boolean {
  const dir = dirname(file);
  let reading = readings.get(dir);
  if (!reading) {
    reading = { free: 0, at: 0, refreshing: false };
    readings.set(dir, reading);
  }
  if (Date.now() - reading.at > FRESH_MS && !reading.refreshing) refresh(dir, reading);
  return reading.at > 0 && reading.free >= bytes + MARGIN_BYTES;
}

function refresh(dir: string, reading: Reading): void {
  reading.refreshing = true;
  statfs(dir).then(
    (fs) => {
      reading.free = fs.bavail * fs.bsize;
      reading.at = Date.now();
      reading.refreshing = false;
    },
    () => {
      reading.free = 0;
      reading.at = 0;
      reading.refreshing = false;
    },
  );
}
