/**
 * Bodies that pass through the process (downloads and uploads being stored) arrive as 64 KiB
 * socket buffers that are garbage once written out. V8 frees such a buffer only when the small
 * object holding it is collected, and with little JavaScript allocated alongside that waits until
 * ~64 MiB of them have piled up (V8's external-memory limit). glibc's heap grows by that much per
 * large download and, with later allocations landing above the freed buffers, keeps it: +48 MiB
 * of resident memory after one 64 MiB miss (bench/README.md, session 20). A young-generation
 * collection every 8 MiB of body frees them while they are still young: 1-2 ms each here, against
 * the ~85 ms an 8 MiB stretch of a loopback download took (256 MiB in 2.5-2.9 s).
 * `gc` is there when V8 runs with `--expose-gc` (one of serve's default flags); without it these
 * do nothing.
 */
const STEP_BYTES = 8 * 1024 * 1024;
/** From this size on, a stored body's end starts a full collection (see `bodyStoreEnded`)... */
const LARGE_BODY_BYTES = 32 * 1024 * 1024;
/** ...at most once a second: a stream of large misses would otherwise mark the heap over and over. */
const FULL_COLLECTION_EVERY_MS = 1000;

type CollectGarbage = (options: { type: 'minor' } | { type: 'major'; execution: 'async' }) => void;

let sinceCollection = 0;
let lastFullCollection = -Infinity;

function collector(): CollectGarbage | undefined {
  return (globalThis as { gc?: CollectGarbage }).gc;
}

/** Counts `bytes` of a body that went through; every STEP_BYTES, collects the young generation. */
export function bodyBytesPassed(bytes: number): void {
  sinceCollection += bytes;
  if (sinceCollection < STEP_BYTES) return;
  sinceCollection = 0;
  collector()?.({ type: 'minor' });
}

/**
 * A body of `bytes` is stored, or given up. The buffers that lived longer than a young-generation
 * collection (an S3 upload's 8 MiB parts, three at a time) reached the old generation, which V8
 * collects much later: 40 MiB of them were still held after a 64 MiB miss on S3, and the server
 * stayed 20-40 MiB larger. After a large body, an incremental full collection frees them; it
 * marks alongside the event loop, so no request waits for it (distributed cache-hit bench: 64 MiB
 * case 189 -> 164 MiB, packument case 197 -> 172).
 */
export function bodyStoreEnded(bytes: number): void {
  if (bytes < LARGE_BODY_BYTES) return;
  const now = performance.now();
  if (now - lastFullCollection < FULL_COLLECTION_EVERY_MS) return;
  lastFullCollection = now;
  collector()?.({ type: 'major', execution: 'async' });
}
