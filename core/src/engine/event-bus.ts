/** The kinds of event `/api/v2/events` carries (hits are not among them: too many). */
export type EngineEventType =
  | 'fetch'
  | 'revalidate'
  | 'stale'
  | 'evict'
  | 'repository'
  | 'upstream_error'
  | 'quarantine'
  | 'firewall'
  | 'job';

/** Progress of a batch job (`POST /cache-artifact`, prefetch). */
export interface JobProgress {
  id: string;
  done: number;
  total: number;
  failed: number;
}

/** One event as it is sent: `time` is ISO-8601, every other field is optional. */
export interface EngineEvent {
  type: EngineEventType;
  time: string;
  repo?: string;
  path?: string;
  status?: number;
  bytes?: number;
  /** What happened: `created` / `updated` / `deleted` for repositories, `path` / `prefix` for evictions. */
  action?: string;
  message?: string;
  job?: JobProgress;
  /** The replica the event happened on, when it came from another one. */
  replica?: string;
}

export type EventListener = (event: EngineEvent) => void;

/**
 * An in-process fan-out of engine events. Emitting costs one size check while nobody listens,
 * so callers on busy paths check {@link active} before building an event.
 */
export class EventBus {
  readonly #listeners = new Set<EventListener>();
  readonly #watchers = new Set<(active: boolean) => void>();

  /** Whether anyone listens; build no event when not. */
  get active(): boolean {
    return this.#listeners.size > 0;
  }

  /** Stamps the time and hands the event to every listener; a listener that throws is dropped from this event only. */
  emit(event: Omit<EngineEvent, 'time'> & { time?: string }): void {
    if (this.#listeners.size === 0) return;
    const full: EngineEvent = { ...event, time: event.time ?? new Date().toISOString() };
    for (const listener of this.#listeners) {
      try {
        listener(full);
      } catch {
        // One broken listener (a closed stream) must not keep the event from the others.
      }
    }
  }

  /** Starts listening; returns the function that stops it. */
  on(listener: EventListener): () => void {
    const wasActive = this.active;
    this.#listeners.add(listener);
    if (!wasActive) for (const watch of this.#watchers) watch(true);
    return () => {
      if (!this.#listeners.delete(listener)) return;
      if (!this.active) for (const watch of this.#watchers) watch(false);
    };
  }

  /** Told when the bus gains its first listener or loses its last (to forward other replicas' events only while needed). */
  watch(watcher: (active: boolean) => void): void {
    this.#watchers.add(watcher);
  }
}
