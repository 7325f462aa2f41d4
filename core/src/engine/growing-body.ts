import { EventEmitter } from 'node:events';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { ByteRange } from '../storage/blob-store.js';

const READ_CHUNK = 256 * 1024;

/**
 * The body of a download in progress, readable by any number of clients while it is still
 * arriving. Bytes are read back from the local file the download is written to, so each client
 * reads at its own pace and none of them slows the download or the others.
 *
 * The last byte is released only after `finish()`, i.e. after the digest was checked, the blob
 * committed and the entry recorded: a client never receives a complete response for bytes that
 * fail verification.
 */
export class GrowingBody {
  private written = 0;
  private finished = false;
  private failure: Error | undefined;
  private refs = 1;
  private readonly events = new EventEmitter();

  private constructor(
    private readonly handle: FileHandle,
    /** Total size when the upstream declared it. */
    readonly declaredSize: number | undefined,
    private readonly unlinkOnRelease: string | undefined,
    /** Release nothing before `finish()`: the bytes are checked only once they are all there. */
    private readonly holdAll: boolean,
  ) {
    this.events.setMaxListeners(0);
  }

  /**
   * Opens the file being written at `path` for reading. `ownsFile` deletes it when the last
   * reader is gone (a spool file, as opposed to a blob store's own temporary file). `holdAll`
   * releases no byte before `finish()`, for bodies checked only once complete (a plugin verifier),
   * so a mismatch is an error response rather than a cut one.
   */
  static async open(path: string, declaredSize: number | undefined, ownsFile = false, holdAll = false): Promise<GrowingBody> {
    const handle = await open(path, 'r');
    return new GrowingBody(handle, declaredSize, ownsFile ? path : undefined, holdAll);
  }

  get bytesWritten(): number {
    return this.written;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /** Records that `n` more bytes reached the file. */
  append(n: number): void {
    this.written += n;
    this.events.emit('change');
  }

  /** Marks the body verified and complete. */
  finish(): void {
    this.finished = true;
    this.events.emit('change');
  }

  /** Marks the body failed; every reader that has not finished errors with `err`. */
  fail(err: Error): void {
    if (this.finished || this.failure) return;
    this.failure = err;
    this.events.emit('change');
  }

  /** A stream of the body from the start, or of an inclusive range. */
  createReader(range?: ByteRange): Readable {
    this.refs++;
    return new TailReader(this, range?.start ?? 0, range?.end);
  }

  /** Keeps the file open for readers that may still come (released with `release`). */
  retain(): void {
    this.refs++;
  }

  /** Drops one reference (the writer's or a reader's); the file is closed when none is left. */
  release(): void {
    if (--this.refs > 0) return;
    const path = this.unlinkOnRelease;
    void this.handle.close().catch(() => {});
    if (path) void unlink(path).catch(() => {});
  }

  /** @internal Bytes a reader may take now, given where it is. */
  readable(position: number, end: number | undefined): number | 'eof' | Error {
    if (this.failure) return this.failure;
    const limit = end === undefined ? undefined : end + 1;
    if (this.finished) {
      const last = limit === undefined ? this.written : Math.min(limit, this.written);
      return position >= last ? 'eof' : last - position;
    }
    if (this.holdAll) return 0;
    // Hold back the final byte of a known-size body, or of a range, until it is verified: the
    // client must not see a complete response made of bytes that may yet fail.
    let available = this.written;
    if (this.declaredSize !== undefined) available = Math.min(available, this.declaredSize - 1);
    if (limit !== undefined) available = Math.min(available, limit - 1);
    return Math.max(0, available - position);
  }

  /** @internal */
  onChange(listener: () => void): () => void {
    this.events.on('change', listener);
    return () => this.events.off('change', listener);
  }

  /** @internal */
  read(buffer: Buffer, length: number, position: number): Promise<{ bytesRead: number }> {
    return this.handle.read(buffer, 0, length, position);
  }
}

class TailReader extends Readable {
  private position: number;
  private reading = false;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly body: GrowingBody,
    start: number,
    private readonly end: number | undefined,
  ) {
    super({ highWaterMark: READ_CHUNK });
    this.position = start;
  }

  override _read(): void {
    if (!this.reading) void this.pump();
  }

  private async pump(): Promise<void> {
    this.reading = true;
    try {
      for (;;) {
        const state = this.body.readable(this.position, this.end);
        if (state instanceof Error) return void this.destroy(state);
        if (state === 'eof') return void this.push(null);
        if (state === 0) return this.waitForChange();
        const length = Math.min(state, READ_CHUNK);
        const buffer = Buffer.allocUnsafe(length);
        const { bytesRead } = await this.body.read(buffer, length, this.position);
        if (this.destroyed) return;
        if (bytesRead === 0) return this.waitForChange();
        this.position += bytesRead;
        if (!this.push(bytesRead === length ? buffer : buffer.subarray(0, bytesRead))) return;
      }
    } catch (err) {
      this.destroy(err as Error);
    } finally {
      this.reading = false;
    }
  }

  private waitForChange(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.body.onChange(() => {
      this.unsubscribe?.();
      this.unsubscribe = undefined;
      if (!this.reading && !this.destroyed) void this.pump();
    });
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.body.release();
    callback(err);
  }
}
