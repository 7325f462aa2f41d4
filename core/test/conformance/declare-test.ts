import type { ExecutionContext } from 'ava';

/**
 * How a conformance suite declares its tests: ava's `test` or `test.serial` fit. A distributed
 * backend whose instances share one server may pass `test.serial`.
 */
export type DeclareTest = (title: string, implementation: (t: ExecutionContext) => Promise<void>) => void;

/** A fresh backend for one test; `cleanup` closes every instance it made and removes its data. */
export interface Cleanup {
  cleanup(): Promise<void>;
}

/**
 * Declares one test that gets a fresh fixture from `factory` and always cleans it up, so a failed
 * assertion never leaks a temp dir, a connection or a key.
 */
export function declareWith<F extends Cleanup>(
  test: DeclareTest,
  prefix: string,
  factory: () => Promise<F>,
): (title: string, body: (t: ExecutionContext, fixture: F) => Promise<void>) => void {
  return (title, body) => {
    test(`${prefix}: ${title}`, async (t) => {
      const fixture = await factory();
      try {
        await body(t, fixture);
      } finally {
        await fixture.cleanup();
      }
    });
  };
}

/** Resolves after `ms`; only to let a wrong implementation show itself, never to wait for a right one. */
export function settle(ms = 50): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns true; fails after `timeoutMs` (generous: machines are loaded). */
export async function eventually(probe: () => Promise<boolean>, timeoutMs = 10_000, everyMs = 10): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > deadline) return false;
    await settle(everyMs);
  }
}
