import type { Writable } from 'node:stream';
import { AapiError } from '../errors.js';
import type { Sha256Hex } from './blob-store.js';

/** Where a blob writer is in its life: it only ever moves forward. */
export type BlobWriterPhase = 'open' | 'committing' | 'committed' | 'aborted';

/** The backend-specific steps of a writer; {@link BlobWriterState} decides when each runs. */
export interface BlobWriterSteps {
  /** Throws `AAPI_ERR_REQUEST_INVALID` for a malformed digest. */
  checkDigest(digest: Sha256Hex): void;
  /** Called after the stream was ended: settles once every byte is stored; rejecting fails the commit. */
  flush(): Promise<void>;
  /** Moves the stored bytes to `digest`; called once `flush` succeeded and the stream saw no error. */
  publish(digest: Sha256Hex): Promise<void>;
  /** Drops everything written so far; called at most once, on abort or on a failed commit. */
  discard(): Promise<void>;
}

/**
 * The commit/abort state machine every {@link BlobWriter} shares (open → committing → committed,
 * or → aborted from anywhere but committed). Commit and abort are each run once however often they
 * are called, a failed commit discards what was written, and abort waits for a commit under way.
 *
 * @see BlobWriter in ./blob-store.ts for the contract this implements.
 */
export class BlobWriterState {
  readonly #stream: Writable;
  readonly #steps: BlobWriterSteps;
  #phase: BlobWriterPhase = 'open';
  #error: Error | undefined;
  #commit: Promise<void> | undefined;
  #abort: Promise<void> | undefined;
  #unwatch: (() => void) | undefined;

  constructor(stream: Writable, steps: BlobWriterSteps) {
    this.#stream = stream;
    this.#steps = steps;
    // Remembered for commit, which reports it; listening also keeps the error from going unhandled.
    stream.on('error', (err) => {
      this.#error ??= err;
    });
  }

  get phase(): BlobWriterPhase {
    return this.#phase;
  }

  /** Aborts the writer when `signal` fires. */
  watch(signal: AbortSignal): void {
    const onAbort = (): void => {
      void this.abort();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    this.#unwatch = () => signal.removeEventListener('abort', onAbort);
  }

  /** {@link BlobWriter.commit}: ends the stream, flushes, and publishes under `digest`. */
  commit(digest: Sha256Hex): Promise<void> {
    this.#commit ??= this.#doCommit(digest);
    return this.#commit;
  }

  async #doCommit(digest: Sha256Hex): Promise<void> {
    try {
      this.#steps.checkDigest(digest);
      if (this.#phase !== 'open') throw new AapiError('AAPI_ERR_INTERNAL', `blob writer is ${this.#phase}`);
      this.#phase = 'committing';
      if (this.#error || this.#stream.destroyed) throw this.#failure();
      this.#stream.end();
      await this.#steps.flush().catch(() => {
        throw this.#failure();
      });
      if (this.#error) throw this.#failure();
      await this.#steps.publish(digest);
      this.#phase = 'committed';
      this.#unwatch?.();
    } catch (err) {
      // A failed commit leaves nothing behind; a later abort() finds nothing to do.
      this.#commit = undefined;
      await (this.#abort ??= this.#discard());
      throw err;
    }
  }

  /** {@link BlobWriter.abort}: discards what was written, unless a commit under way succeeds. */
  async abort(): Promise<void> {
    // With no commit under way the phase turns 'aborted' before this returns, so a commit called
    // right after an abort signal fired cannot slip in ahead of it.
    if (this.#commit === undefined) return (this.#abort ??= this.#discard());
    await this.#commit.catch(() => undefined);
    if (this.#phase === 'committed') return;
    this.#abort ??= this.#discard();
    return this.#abort;
  }

  async #discard(): Promise<void> {
    this.#phase = 'aborted';
    this.#unwatch?.();
    await this.#steps.discard();
  }

  #failure(): Error {
    return new AapiError('AAPI_ERR_STORAGE_UNAVAILABLE', 'the blob stream failed before commit', {
      cause: this.#error ?? new Error('stream destroyed'),
    });
  }
}

/**
 * The {@link BlobWriter} methods every writer hands to its {@link BlobWriterState}; a subclass sets
 * `state` in its constructor, once its stream exists.
 */
export abstract class StatefulBlobWriter {
  protected abstract readonly state: BlobWriterState;

  /** Aborts the writer when `signal` fires. */
  watch(signal: AbortSignal): void {
    this.state.watch(signal);
  }

  commit(digest: Sha256Hex): Promise<void> {
    return this.state.commit(digest);
  }

  abort(): Promise<void> {
    return this.state.abort();
  }
}

/**
 * Ties a new writer to the `signal` passed to `beginWrite`. A signal that fired while the writer
 * was being set up aborts it at once, and this rejects with the signal's reason.
 */
export async function watchSignal(writer: { watch(signal: AbortSignal): void; abort(): Promise<void> }, signal?: AbortSignal): Promise<void> {
  if (!signal) return;
  writer.watch(signal);
  if (signal.aborted) {
    await writer.abort();
    signal.throwIfAborted();
  }
}
