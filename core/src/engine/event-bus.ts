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
  /** Forwarders to other replicas: they make the bus active, but are not "someone listening here". */
  readonly #taps = new Set<EventListener>();
  readonly #watchers = new Set<(active: boolean) => void>();

  /** Whether anyone listens, here or (through a tap) on another replica; build no event when not. */
  get active(): boolean {
    return this.#listeners.size > 0 || this.#taps.size > 0;
  }

  /** Whether a client of this replica listens. */
  get listened(): boolean {
    return this.#listeners.size > 0;
  }

  /** Stamps the time and hands the event to every listener; a listener that throws is dropped from this event only. */
  emit(event: Omit<EngineEvent, 'time'> & { time?: string }): void {
    if (!this.active) return;
    const full: EngineEvent = { ...event, time: event.time ?? new Date().toISOString() };
    deliver(this.#listeners, full);
    deliver(this.#taps, full);
  }

  /** An event from another replica: to this replica's listeners only (never forwarded again). */
  deliver(event: EngineEvent): void {
    deliver(this.#listeners, event);
  }

  /** Starts listening; returns the function that stops it. */
  on(listener: EventListener): () => void {
    const wasListened = this.listened;
    this.#listeners.add(listener);
    if (!wasListened) for (const watch of this.#watchers) watch(true);
    return () => {
      if (!this.#listeners.delete(listener)) return;
      if (!this.listened) for (const watch of this.#watchers) watch(false);
    };
  }

  /** Forwards every event emitted here (to other replicas); returns the function that stops it. */
  tap(forward: EventListener): () => void {
    this.#taps.add(forward);
    return () => void this.#taps.delete(forward);
  }

  /** Told when this replica gains its first listener or loses its last (to ask other replicas for their events only while needed). */
  watch(watcher: (active: boolean) => void): void {
    this.#watchers.add(watcher);
  }
}

function deliver(listeners: ReadonlySet<EventListener>, event: EngineEvent): void {
  for (const listener of listeners) {
    try {
      listener(event);
    } catch {
      // One broken listener (a closed stream) must not keep the event from the others.
    }
  }
}
