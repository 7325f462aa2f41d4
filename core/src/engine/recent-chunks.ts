/**
 * The most recent chunks of a download, kept in memory so that clients following it get each chunk
 * as it arrives, without waiting for it to reach the file and reading it back. A chunk is dropped
 * once it is in the file and no reader needs it, or once the chunks after it fill `maxBytes` (a
 * reader further behind reads the file), so every byte before `start` can be read from the file.
 */
export class RecentChunks {
  private chunks: Buffer[] = [];
  /** Body offset of each chunk in `chunks`. */
  private offsets: number[] = [];
  private head = 0;
  private held = 0;
  private end = 0;

  constructor(private readonly maxBytes: number) {}

  /** Body offset of the oldest byte still in memory (everything before it is in the file). */
  get start(): number {
    return this.head < this.chunks.length ? this.offsets[this.head]! : this.end;
  }

  /** Adds the next chunk of the body. */
  push(chunk: Buffer): void {
    if (chunk.byteLength === 0) return;
    this.chunks.push(chunk);
    this.offsets.push(this.end);
    this.end += chunk.byteLength;
    this.held += chunk.byteLength;
  }

  /**
   * Drops old chunks that are in the file (the first `written` bytes are) and that either end
   * before `needed` (the position of the reader furthest behind) or lie outside `maxBytes`.
   */
  trim(written: number, needed: number): void {
    while (this.head < this.chunks.length) {
      const size = this.chunks[this.head]!.byteLength;
      const end = this.offsets[this.head]! + size;
      if (end > written || (end > needed && this.held - size < this.maxBytes)) break;
      this.chunks[this.head] = EMPTY;
      this.held -= size;
      this.head++;
    }
    // Compact now and then, so the arrays do not grow with the body.
    if (this.head > 64 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.offsets = this.offsets.slice(this.head);
      this.head = 0;
    }
  }

  /** Up to `max` bytes from `position` (≥ start) without copying: the rest of the chunk holding it. */
  slice(position: number, max: number): Buffer | undefined {
    if (position < this.start || position >= this.end) return undefined;
    let lo = this.head;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.offsets[mid]! <= position) lo = mid;
      else hi = mid - 1;
    }
    const from = position - this.offsets[lo]!;
    const chunk = this.chunks[lo]!;
    return chunk.subarray(from, Math.min(chunk.byteLength, from + max));
  }

  /** Lets go of every chunk. */
  clear(): void {
    this.chunks = [];
    this.offsets = [];
    this.head = 0;
    this.held = 0;
  }
}

const EMPTY = Buffer.alloc(0);
