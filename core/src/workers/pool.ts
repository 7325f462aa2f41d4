import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { TransferListItem } from 'node:worker_threads';
import type { HashFileInput, HashFileOutput } from './tasks/hash-file.js';

/** A module + export the pool runs; plugin rewriters use the same shape (plugin-sdk TaskRef). */
export interface PoolTask {
  module: string;
  export: string;
}

const HASH_FILE: PoolTask = { module: new URL('./tasks/hash-file.js', import.meta.url).href, export: 'hashFile' };

/**
 * The piscina pool that keeps CPU-heavy work off the event loop. Every task module is loaded by a
 * small dispatcher, so plugins can contribute tasks without the pool knowing them in advance.
 */
export class WorkerPool {
  private readonly piscina: Piscina;

  constructor(options: { size?: number } = {}) {
    const threads = options.size && options.size > 0 ? options.size : availableParallelism();
    this.piscina = new Piscina({
      filename: new URL('./dispatch.js', import.meta.url).href,
      // Threads start when work arrives: an idle server should not pay a V8 isolate per core.
      minThreads: 0,
      maxThreads: threads,
      // A thread is a V8 isolate (~20 MiB resident): misses in a burst share it, a server that only
      // answers hits gives it back soon after (issue 11's memory target is peak RSS under hit load).
      idleTimeout: 2_000,
    });
  }

  /** Runs `task` with `input` in a worker; input and output must be structured-cloneable. */
  run<I, O>(task: PoolTask, input: I, transferList?: TransferListItem[]): Promise<O> {
    return this.piscina.run({ module: task.module, export: task.export, input }, { transferList }) as Promise<O>;
  }

  hashFile(input: HashFileInput): Promise<HashFileOutput> {
    return this.run(HASH_FILE, input);
  }

  get threads(): number {
    return this.piscina.threads.length;
  }

  /** Waits for queued tasks, then stops the threads. */
  async close(): Promise<void> {
    await this.piscina.close();
  }
}
