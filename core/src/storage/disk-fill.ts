import { createHash } from 'node:crypto';
import { open, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

/** What a fill wrote, once it is complete. */
export interface FilledCopy {
  size: number;
  /** sha256 hex of the bytes written, hashed as they went to the file. */
  sha256: string;
}

/**
 * One copy of a blob being written into the disk tier: a temporary file, and the sha256 of the
 * bytes as they were written. A fill never fails its caller: a write error (ENOSPC, EIO) or a copy
 * growing past `maxBytes` gives up, removes the file at once (so a full disk gets its space back)
 * and turns every later write into a no-op, while the response it shadows goes on from S3.
 */
export class DiskFill {
  readonly tmpPath: string;
  readonly #handle: FileHandle;
  readonly #maxBytes: number;
  readonly #hash = createHash('sha256');
  #size = 0;
  #gaveUp = false;
  #closed: Promise<void> | undefined;
  /** Writes run one after another, at increasing positions. */
  #queue: Promise<void> = Promise.resolve();

  private constructor(tmpPath: string, handle: FileHandle, maxBytes: number) {
    this.tmpPath = tmpPath;
    this.#handle = handle;
    this.#maxBytes = maxBytes;
  }

  /** Creates the temporary file; undefined when it cannot be created (the tier is skipped). */
  static async start(tmpPath: string, maxBytes: number): Promise<DiskFill | undefined> {
    try {
      return new DiskFill(tmpPath, await open(tmpPath, 'wx'), maxBytes);
    } catch {
      return undefined;
    }
  }

  get failed(): boolean {
    return this.#gaveUp;
  }

  /** Appends `chunk`; resolves once it is in the file (or the fill has given up). Never rejects. */
  write(chunk: Uint8Array): Promise<void> {
    if (this.#gaveUp) return Promise.resolve();
    this.#hash.update(chunk);
    const position = this.#size;
    this.#size += chunk.byteLength;
    if (this.#size > this.#maxBytes) return this.#giveUp();
    this.#queue = this.#queue.then(async () => {
      if (this.#gaveUp) return;
      try {
        let written = 0;
        while (written < chunk.byteLength) {
          const { bytesWritten } = await this.#handle.write(chunk, written, chunk.byteLength - written, position + written);
          written += bytesWritten;
        }
      } catch {
        await this.#giveUp();
      }
    });
    return this.#queue;
  }

  /** Closes the file; the copy when every write succeeded, else undefined (and no file is left). */
  async finish(): Promise<FilledCopy | undefined> {
    await this.#queue;
    await this.#close();
    if (this.#gaveUp) return undefined;
    return { size: this.#size, sha256: this.#hash.digest('hex') };
  }

  /** Drops the copy; safe to call more than once and after finish. */
  async discard(): Promise<void> {
    await this.#giveUp();
  }

  async #giveUp(): Promise<void> {
    const first = !this.#gaveUp;
    this.#gaveUp = true;
    await this.#close();
    if (first) await unlink(this.tmpPath).catch(() => undefined);
  }

  #close(): Promise<void> {
    this.#closed ??= this.#handle.close().catch(() => undefined);
    return this.#closed;
  }
}
