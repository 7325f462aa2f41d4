import { useCallback, useEffect, useReducer, useRef, useState } from 'preact/hooks';

export interface AsyncState<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload(): void;
}

/** Runs `load` when `deps` change (and on reload()); a stale answer never overwrites a newer one. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): AsyncState<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [generation, bump] = useReducer((n: number) => n + 1, 0);
  const latest = useRef(0);
  useEffect(() => {
    const ticket = ++latest.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => ticket === latest.current && setState({ data, loading: false }),
      (error: unknown) => ticket === latest.current && setState((s) => ({ data: s.data, error: error instanceof Error ? error : new Error(String(error)), loading: false })),
    );
    // the caller names the inputs in deps; load itself is a new closure every render
  }, [...deps, generation]);
  return { data: state.data, error: state.error, loading: state.loading, reload: useCallback(() => bump(undefined as never), []) };
}

/** Re-renders whenever a store with subscribe() notifies. */
export function useStore(store: { subscribe(listener: () => void): () => void }): void {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  useEffect(() => store.subscribe(() => rerender(undefined as never)), [store]);
}

/** `value`, settled for `ms` (typing in a search box sends one request, not one per key). */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** Sets the document title and moves focus to the page's heading, so a screen reader announces the new page. */
export function usePageTitle(title: string): (el: HTMLHeadingElement | null) => void {
  useEffect(() => {
    document.title = `${title} · ArtifactAPI`;
  }, [title]);
  return useCallback((el: HTMLHeadingElement | null) => el?.focus({ preventScroll: true }), []);
}
