/**
 * A module and export the core runs in its worker pool. `I` and `O` are the task's input and
 * output; they exist only at compile time, so a TaskRef stays plain data that crosses into a
 * worker thread.
 */
export interface TaskRef<I = unknown, O = unknown> {
  /** Absolute `file:` URL of the module, usually `new URL('./task.js', import.meta.url).href`. */
  module: string;
  /** Name of the exported function. */
  export: string;
  /** Compile-time only: never set. */
  readonly __types?: { input: I; output: O };
}

/**
 * A typed reference to a task: `taskRef<MergeInput, RewriteResult>(new URL('./merge.js',
 * import.meta.url), 'mergePackuments')`. The type parameters make a mismatch between where a task
 * is declared (`rewriters`, `mergers`…) and what it is a compile error.
 */
export function taskRef<I, O>(module: URL | string, exportName: string): TaskRef<I, O> {
  const href = typeof module === 'string' ? module : module.href;
  if (!href.startsWith('file:')) throw new TypeError(`taskRef: the module must be a file: URL, got ${JSON.stringify(href)}`);
  if (exportName === '') throw new TypeError('taskRef: the export name must not be empty');
  return Object.freeze({ module: href, export: exportName });
}

/** The function a TaskRef names, for a module that wants to check its export against the ref. */
export type TaskFunction<R> = R extends TaskRef<infer I, infer O> ? (input: I) => O | Promise<O> : never;
