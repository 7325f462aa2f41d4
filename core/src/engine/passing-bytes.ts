/**
 * Bodies that pass through the process (downloads and uploads being stored) arrive as 64 KiB
 * socket buffers that are garbage once written out. V8 frees such a buffer only when the small
 * object holding it is collected, and with little JavaScript allocated alongside that waits until
 * ~64 MiB of them have piled up (V8's external-memory limit). glibc's heap grows by that much per
 * large download and, with later allocations landing above the freed buffers, keeps it: +48 MiB
 * of resident memory after one 64 MiB miss (bench/README.md, session 20). A young-generation
 * collection every 8 MiB of body frees them while they are still young: 1-2 ms each here, against
 * the ~85 ms an 8 MiB stretch of a loopback download took (256 MiB in 2.5-2.9 s).
 * `gc` is there when V8 runs with `--expose-gc` (one of serve's default flags); without it this
 * does nothing.
 */
const STEP_BYTES = 8 * 1024 * 1024;

type CollectGarbage = (options: { type: 'minor' }) => void;

let sinceCollection = 0;

/** Counts `bytes` of a body that went through; every STEP_BYTES, collects the young generation. */
export function bodyBytesPassed(bytes: number): void {
  sinceCollection += bytes;
  if (sinceCollection < STEP_BYTES) return;
  sinceCollection = 0;
  (globalThis as { gc?: CollectGarbage }).gc?.({ type: 'minor' });
}
