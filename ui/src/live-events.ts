import type { LiveEvent } from './types.js';

/** The event types the server sends (`event: <type>`); EventSource delivers only those it listens for. */
export const EVENT_TYPES = ['fetch', 'revalidate', 'stale', 'evict', 'repository', 'upstream_error', 'quarantine', 'firewall', 'job', 'hit'] as const;

export type FeedState = 'connecting' | 'open' | 'closed';

const KEEP = 500;

/**
 * One EventSource on /api/v2/events for the whole tab, opened at login, so the event view shows
 * what happened while another page was open. Keeps the newest {@link KEEP} events.
 */
export class EventFeed {
  events: LiveEvent[] = [];
  state: FeedState = 'connecting';
  #source: EventSource | undefined;
  readonly #listeners = new Set<() => void>();

  constructor(private readonly url: string) {}

  open(): void {
    if (this.#source) return;
    const source = new EventSource(this.url);
    this.#source = source;
    source.onopen = () => this.#set('open');
    // EventSource reconnects by itself after a network error; CLOSED means it gave up (401/403).
    source.onerror = () => this.#set(source.readyState === EventSource.CLOSED ? 'closed' : 'connecting');
    const receive = (message: MessageEvent<string>) => this.#receive(message);
    source.addEventListener('message', receive);
    for (const type of EVENT_TYPES) source.addEventListener(type, receive);
  }

  close(): void {
    this.#source?.close();
    this.#source = undefined;
    this.#set('closed');
  }

  clear(): void {
    this.events = [];
    this.#notify();
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #receive(message: MessageEvent<string>): void {
    let data: Partial<LiveEvent>;
    try {
      data = JSON.parse(message.data) as Partial<LiveEvent>;
    } catch {
      data = { message: message.data };
    }
    const event: LiveEvent = { ...data, type: data.type ?? message.type, time: data.time ?? new Date().toISOString() };
    this.events = [event, ...this.events].slice(0, KEEP);
    this.#notify();
  }

  #set(state: FeedState): void {
    if (this.state === state) return;
    this.state = state;
    this.#notify();
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }
}
