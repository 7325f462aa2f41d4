import { EventEmitter } from 'node:events';
import { unlink, type FileHandle } from 'node:fs/promises';
import { ServerResponse } from '../node-http.js';
import { Readable, type Writable } from 'node:stream';
import type { ByteRange } from '../storage/blob-store.js';
import { RecentChunks } from './recent-chunks.js';

const READ_CHUNK = 256 * 1024;
/**
 * Most bytes of a download kept in memory for the readers following it (1/16 s at 32 MiB/s);
 * a reader further behind reads the file. Only what some reader still needs is kept, so a
 * download nobody follows holds about nothing. Larger windows kept chunks alive long enough to
 * reach V8's old space: a 1 GiB miss then peaked 20-120 MiB higher than a 64 MiB one
 * (bench/large-body.js, 4 and 16 MiB); with 2 MiB the peak was the same.
 */
const RECENT_MAX = 2 * 1024 * 1024;

/**
 * The body of a download in progress, readable by any number of clients while it is still
 * arriving. Clients at the tail get each chunk from memory as it arrives; the others read back the
 * local file the download is written to, so each client reads at its own pace and none of them
 * slows the download or the others.
 *
 * The last byte is released only after `finish()`, i.e. after the digest was checked, the blob
 * committed and the entry recorded: a client never receives a complete response for bytes that
 * fail verification.
 */
export class GrowingBody {
  /** Bytes received in order, in memory or in the file. */
  private received = 0;
  /** Bytes known to be in the file. */
  private written = 0;
  private finished = false;
  private failure: Error | undefined;
  private refs = 1;
  private readonly recent = new RecentChunks(RECENT_MAX);
  /** Readers still reading, for the position of the one furthest behind. */
  private readonly readers = new Set<TailReader>();
  /** Readers waiting for bytes; each is called once (an array swap, not an emitter). */
  private waiting: (() => void)[] = [];
  private wakeScheduled = false;
  /** Whether responses wait for the first bytes to be in the file (`started`). */
  startsOnDisk = true;
  /** File progress, for whoever waits for the whole body to be on disk (a plugin verifier). */
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
   * A body read back from `handle`, the file being written, opened for reading. `unlinkOnRelease`
   * names a file to delete when the last reader is gone (a spool file, as opposed to a blob store's
   * own temporary file). `holdAll` releases no byte before `finish()`, for bodies checked only once
   * complete (a plugin verifier), so a mismatch is an error response rather than a cut one.
   */
  static over(handle: FileHandle, declaredSize: number | undefined, unlinkOnRelease: string | undefined, holdAll = false): GrowingBody {
    return new GrowingBody(handle, declaredSize, unlinkOnRelease, holdAll);
  }

  get bytesWritten(): number {
    return this.written;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /** Hands readers the next chunk of the body, before it reaches the file; `append` follows once it has. */
  receive(chunk: Buffer): void {
    this.recent.push(chunk);
    this.received += chunk.byteLength;
    if (this.received === chunk.byteLength) return this.wake(); // the first byte goes out at once
    // Then readers wake once per turn of the event loop, not once per chunk: under load several
    // chunks arrive in one turn, and each reader writes them to its socket together (one writev).
    if (this.waiting.length > 0 && !this.wakeScheduled) {
      this.wakeScheduled = true;
      setImmediate(this.wake);
    }
  }

  /** Records that `n` more bytes (already received) reached the file. */
  append(n: number): void {
    this.written += n;
    let needed = Infinity;
    for (const reader of this.readers) needed = Math.min(needed, reader.position);
    this.recent.trim(this.written, needed);
    this.events.emit('written');
  }

  /** Marks the body verified and complete. */
  finish(): void {
    this.finished = true;
    this.wake();
    this.events.emit('written');
  }

  /** Marks the body failed; every reader that has not finished errors with `err`. */
  fail(err: Error): void {
    if (this.finished || this.failure) return;
    this.failure = err;
    this.wake();
    this.events.emit('written');
  }

  /**
   * With `startsOnDisk`, resolves once the first bytes are in the file (or the body is complete)
   * and rejects with the failure if it comes first; otherwise at once. A response starts only
   * then: on a disk short of room, a download whose first write fails is answered with an error
   * status, not a 200 cut short. The wait (a thread-pool write, ~0.7 ms) is paid only there.
   */
  started(): Promise<void> {
    if (!this.startsOnDisk) return Promise.resolve();
    const settled = (): boolean | Error => (this.failure ? this.failure : this.written > 0 || this.finished || this.declaredSize === 0);
    const now = settled();
    if (now instanceof Error) return Promise.reject(now);
    if (now) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const off = this.onWritten(() => {
        const state = settled();
        if (state === false) return;
        off();
        if (state instanceof Error) reject(state);
        else resolve();
      });
    });
  }

  /** Calls `listener` on file progress, completion and failure; returns the unsubscribe function. */
  onWritten(listener: () => void): () => void {
    this.events.on('written', listener);
    return () => this.events.off('written', listener);
  }

  /** A stream of the body from the start, or of an inclusive range. */
  createReader(range?: ByteRange): Readable {
    this.refs++;
    const reader = new TailReader(this, range?.start ?? 0, range?.end);
    this.readers.add(reader);
    return reader;
  }

  /** Keeps the file open for readers that may still come (released with `release`). */
  retain(): void {
    this.refs++;
  }

  /** Drops one reference (the writer's or a reader's); the file is closed when none is left. */
  release(): void {
    if (--this.refs > 0) return;
    this.recent.clear();
    const path = this.unlinkOnRelease;
    void this.handle.close().catch(() => {});
    if (path) void unlink(path).catch(() => {});
  }

  /** @internal Bytes a reader may take now, given where it is. */
  readable(position: number, end: number | undefined): number | 'eof' | Error {
    if (this.failure) return this.failure;
    const limit = end === undefined ? undefined : end + 1;
    if (this.finished) {
      const last = limit === undefined ? this.received : Math.min(limit, this.received);
      return position >= last ? 'eof' : last - position;
    }
    if (this.holdAll) return 0;
    // Hold back the final byte of a known-size body, or of a range, until it is verified: the
    // client must not see a complete response made of bytes that may yet fail.
    let available = this.received;
    if (this.declaredSize !== undefined) available = Math.min(available, this.declaredSize - 1);
    if (limit !== undefined) available = Math.min(available, limit - 1);
    return Math.max(0, available - position);
  }

  /** @internal A reader is done (ended or destroyed): its position no longer keeps bytes in memory. */
  forget(reader: TailReader): void {
    this.readers.delete(reader);
  }

  /** @internal Calls `listener` once, at the next chunk, completion or failure. */
  onChange(listener: () => void): void {
    this.waiting.push(listener);
  }

  /** @internal Up to `max` bytes at `position` without copying, when they are still in memory. */
  fromMemory(position: number, max: number): Buffer | undefined {
    return this.recent.slice(position, max);
  }

  /** @internal Up to `max` bytes at `position` from the file into `buffer` (bytes no longer in memory are there). */
  async read(buffer: Buffer, position: number, max: number): Promise<Buffer> {
    const length = Math.min(max, Math.max(0, this.recent.start - position), buffer.byteLength);
    const { bytesRead } = await this.handle.read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  }

  private readonly wake = (): void => {
    this.wakeScheduled = false;
    const waiting = this.waiting;
    if (waiting.length === 0) return;
    this.waiting = [];
    for (const listener of waiting) listener();
  };
}

/** A buffer a reader reads the file into, and how many bytes it had pushed when it pushed it (0: in use). */
interface ReadBuffer {
  buffer: Buffer;
  pushedAt: number;
}

/** Read buffers per reader: one being read into while the others are on their way to the client. */
const READ_BUFFERS = 3;

class TailReader extends Readable {
  position: number;
  private reading = false;
  private subscribed = false;
  private pushed = 0;
  private readonly buffers: ReadBuffer[] = [];
  /** The response this reader is piped to, whose queue tells when a pushed buffer has been sent. */
  private response: ServerResponse | undefined;

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

  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T {
    this.response = destination instanceof ServerResponse && this.pushed === 0 && this.response === undefined ? destination : undefined;
    return super.pipe(destination, options);
  }

  private async pump(): Promise<void> {
    this.reading = true;
    try {
      for (;;) {
        const state = this.body.readable(this.position, this.end);
        if (state instanceof Error) return void this.destroy(state);
        if (state === 'eof') {
          this.body.forget(this);
          return void this.push(null);
        }
        if (state === 0) return this.waitForChange();
        let chunk = this.body.fromMemory(this.position, state);
        let read: ReadBuffer | undefined;
        if (!chunk) {
          read = this.readBuffer();
          chunk = await this.body.read(read.buffer, this.position, state);
        }
        if (this.destroyed) return;
        if (chunk.byteLength === 0) return this.waitForChange();
        this.position += chunk.byteLength;
        this.pushed += chunk.byteLength;
        if (read) read.pushedAt = this.pushed;
        if (!this.push(chunk)) return;
      }
    } catch (err) {
      this.destroy(err as Error);
    } finally {
      this.reading = false;
    }
  }

  /**
   * A buffer for the next file read: one the client's socket is done with, else a new one. Fresh
   * 256 KiB buffers for followers catching up cost more in allocation, page faults and GC than the
   * reads themselves (a 50-client 64 MiB miss). As in FileReadStream, only a piped ServerResponse
   * proves a buffer was sent: bytes leave in order, and its writableLength counts those that have not.
   */
  private readBuffer(): ReadBuffer {
    const response = this.response;
    if (response && !response.destroyed) {
      const unsent = (response as unknown as Writable).writableLength + this.readableLength;
      const free = this.buffers.find((b) => b.pushedAt > 0 && this.pushed - b.pushedAt >= unsent);
      if (free) {
        free.pushedAt = 0;
        return free;
      }
    }
    const fresh = { buffer: Buffer.allocUnsafeSlow(READ_CHUNK), pushedAt: 0 };
    this.buffers.push(fresh);
    if (this.buffers.length > READ_BUFFERS) this.buffers.shift();
    return fresh;
  }

  private waitForChange(): void {
    if (this.subscribed) return;
    this.subscribed = true;
    this.body.onChange(() => {
      this.subscribed = false;
      if (!this.reading && !this.destroyed) void this.pump();
    });
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.buffers.length = 0;
    this.body.forget(this);
    this.body.release();
    callback(err);
  }
}
