import type { FileHandle } from 'node:fs/promises';
import { ServerResponse } from '../node-http.js';
import { Readable, type Writable } from 'node:stream';

/** A buffer handed out as a chunk, and where that chunk ends in the bytes pushed so far. */
interface Slot {
  buffer: Buffer;
  end: number;
}

/**
 * What blob stores read per call, into buffers reused once the response has sent them. Reuse is
 * what took 64 MiB hits from ~0.35x to over 1.0x nginx; with it, 512 KiB reads were as fast as
 * 2 MiB ones for 64 MiB hits and faster for 8 MiB ones, and held 50 MiB less at 4 to 8
 * connections (bench/README.md, issue 11).
 */
export const FILE_READ_CHUNK_BYTES = 512 * 1024;

/** Buffers kept per stream: one being read into while the others are on their way to the client. */
const RING = 3;

/**
 * Sent buffers of finished responses, handed to the next stream. Without them every 8 MiB hit
 * allocated its own three 512 KiB buffers, and the dead ones waited for V8's external-memory GC:
 * ~40 MiB of peak RSS at 8 connections (bench/README.md, issue 11). Enough for 8 streams' rings.
 */
const spares: Buffer[] = [];
const MAX_SPARES = 8;

/**
 * Reads a file (or an inclusive byte range of it) in large chunks and reuses their buffers once
 * an HTTP response has sent them. A fresh buffer per 4 MiB read left ~100 MiB of garbage waiting
 * for V8's external-memory GC under four 64 MiB hits, and fs streams' 256 KiB reads were slow (bench/README.md, issue 11); reusing needs
 * proof that the client's socket is done with a chunk, which only a piped `ServerResponse` gives:
 * its `writableLength` counts every byte not yet handed to the kernel, and bytes leave in order.
 * Piped anywhere else (or read without a pipe) every read gets a new buffer, as fs streams do.
 */
export class FileReadStream extends Readable {
  #position: number;
  readonly #end: number;
  #pushed = 0;
  readonly #slots: Slot[] = [];
  #response: ServerResponse | undefined;

  constructor(
    private readonly handle: FileHandle,
    private readonly chunkSize: number,
    start = 0,
    end = Infinity,
  ) {
    // The buffered chunk itself is the read-ahead: one read in flight or waiting, never more.
    super({ highWaterMark: 1 });
    this.#position = start;
    this.#end = end;
  }

  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T {
    if (destination instanceof ServerResponse && this.#response === undefined && this.#pushed === 0) {
      this.#response = destination;
      // 'finish' comes after the socket took the last byte, so no buffer is still being sent; a
      // response cut short never finishes and its buffers are left to the GC.
      destination.once('finish', () => this.#giveBack());
    } else this.#response = undefined;
    return super.pipe(destination, options);
  }

  override _read(): void {
    const wanted = Math.min(this.chunkSize, this.#end - this.#position + 1);
    if (wanted <= 0) {
      this.push(null);
      return;
    }
    const slot = this.#freeSlot();
    this.handle.read(slot.buffer, 0, wanted, this.#position).then(
      ({ bytesRead }) => {
        if (bytesRead === 0) {
          this.push(null);
          return;
        }
        this.#position += bytesRead;
        this.#pushed += bytesRead;
        slot.end = this.#pushed;
        this.push(slot.buffer.subarray(0, bytesRead));
      },
      (err: unknown) => this.destroy(err as Error),
    );
  }

  /** A buffer no one else holds: a sent one when the response proves it, else a new one. */
  #freeSlot(): Slot {
    const response = this.#response;
    if (response && !response.destroyed) {
      // Bytes not yet with the kernel are at most the response's queue plus what this stream still buffers.
      const pending = (response as unknown as Writable).writableLength + this.readableLength;
      for (const slot of this.#slots) if (this.#pushed - slot.end >= pending && slot.end > 0) return this.#take(slot);
    }
    const spare = this.chunkSize === FILE_READ_CHUNK_BYTES && response ? spares.pop() : undefined;
    const slot = { buffer: spare ?? Buffer.allocUnsafeSlow(this.chunkSize), end: 0 };
    this.#slots.push(slot);
    if (this.#slots.length > RING) this.#slots.shift();
    return slot;
  }

  #giveBack(): void {
    // Only after the last read: a response ended early by someone else may still have one in flight.
    if (this.#response === undefined || this.chunkSize !== FILE_READ_CHUNK_BYTES || !this.readableEnded) return;
    this.#response = undefined;
    for (const slot of this.#slots.splice(0)) if (spares.length < MAX_SPARES) spares.push(slot.buffer);
  }

  #take(slot: Slot): Slot {
    // Never handed out twice at once: 0 marks "being read into" until the read pushes it.
    slot.end = 0;
    return slot;
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    // Ended streams keep their buffers for the response's 'finish', which gives them back.
    if (err || !this.readableEnded) this.#slots.length = 0;
    this.handle.close().then(
      () => callback(err),
      (closeErr: unknown) => callback(err ?? (closeErr as Error)),
    );
  }
}
