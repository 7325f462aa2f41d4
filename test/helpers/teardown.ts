/** The part of ava's ExecutionContext the helpers need, so they stay usable outside ava. */
export interface Teardown {
  teardown(fn: () => unknown): void;
}
