import { useCallback, useEffect, useRef, useState } from 'react';
import { describeProblem } from './management-client.js';

export interface Polled<T> {
  /** The last successful answer; kept while a later refresh fails, so the screen does not blank. */
  data: T | undefined;
  /** Why the last refresh failed; undefined once one succeeds again. */
  error: string | undefined;
  /** When `data` was last replaced. */
  updatedAt: Date | undefined;
  /** Loads now, outside the schedule (after an eviction, on `r`). */
  refresh: () => void;
}

/**
 * Calls `load` now and every `intervalMs` (0 = only on refresh) while the component is mounted.
 * One call at a time: a slow server delays the next refresh instead of stacking requests.
 */
export function usePolled<T>(load: () => Promise<T>, intervalMs: number): Polled<T> {
  const [state, setState] = useState<Omit<Polled<T>, 'refresh'>>({ data: undefined, error: undefined, updatedAt: undefined });
  const loadRef = useRef(load);
  loadRef.current = load;
  const running = useRef(false);
  const mounted = useRef(true);

  const refresh = useCallback(() => {
    if (running.current) return;
    running.current = true;
    loadRef
      .current()
      .then(
        (data) => mounted.current && setState({ data, error: undefined, updatedAt: new Date() }),
        (err: unknown) => mounted.current && setState((prev) => ({ ...prev, error: describeProblem(err) })),
      )
      .finally(() => (running.current = false));
  }, []);

  useEffect(() => {
    mounted.current = true;
    refresh();
    const timer = intervalMs > 0 ? setInterval(refresh, intervalMs) : undefined;
    return () => {
      mounted.current = false;
      clearInterval(timer);
    };
  }, [refresh, intervalMs]);

  return { ...state, refresh };
}
