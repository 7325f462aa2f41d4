import type { RedisLink } from './redis-link.js';

interface Listener {
  deliver(message: string): void;
  gap?: () => void;
}

/**
 * Local fan-out over one subscriber connection: however many listeners a channel has in this
 * process, Redis sees one SUBSCRIBE, and the UNSUBSCRIBE goes out when the last one leaves.
 *
 * SUBSCRIBE and UNSUBSCRIBE of one channel are serialised and each step reconciles Redis with the
 * wanted state (any listener left?), so a subscribe racing the last unsubscribe never ends with
 * the channel unsubscribed under a live listener. After a reconnect ioredis re-subscribes every
 * channel it had (`autoResubscribe`); messages published during the outage are lost, as with any
 * Redis pub/sub, so each listener's `gap` callback is told when the connection is back.
 */
export class RedisChannels {
  readonly #link: RedisLink;
  readonly #listeners = new Map<string, Set<Listener>>();
  /** Channels Redis acknowledged; an UNSUBSCRIBE that failed leaves its channel here to retry. */
  readonly #subscribed = new Set<string>();
  /** Per channel, the tail of its SUBSCRIBE/UNSUBSCRIBE chain. */
  readonly #pending = new Map<string, Promise<void>>();

  /** The connection dropped since it was last ready: listeners may have missed messages. */
  #interrupted = false;

  constructor(link: RedisLink) {
    this.#link = link;
    link.redis.on('message', (channel: string, message: string) => this.#dispatch(channel, message));
    link.redis.on('close', () => {
      if (this.#subscribed.size > 0) this.#interrupted = true;
    });
    // ioredis sends the re-SUBSCRIBEs right after 'ready'; what is published in that instant can
    // still be missed, which a listener's own freshness rules (TTLs) bound.
    link.redis.on('ready', () => {
      if (!this.#interrupted) return;
      this.#interrupted = false;
      for (const set of [...this.#listeners.values()]) for (const listener of [...set]) listener.gap?.();
    });
  }

  /**
   * Delivers every message of `channel` to `deliver` (which must not throw) from the moment this
   * resolves. Rejects, registering nothing, when Redis is unreachable. The returned function
   * stops delivery at once and is idempotent; it never rejects (with Redis down the channel stays
   * subscribed until a later reconcile, and its messages find no listener).
   */
  async listen(channel: string, deliver: (message: string) => void, gap?: () => void): Promise<() => Promise<void>> {
    const listener: Listener = { deliver, gap };
    let set = this.#listeners.get(channel);
    if (!set) {
      set = new Set();
      this.#listeners.set(channel, set);
    }
    set.add(listener);
    try {
      await this.#reconcile(channel);
    } catch (err) {
      this.#drop(channel, listener);
      throw err;
    }
    let active = true;
    return async () => {
      if (!active) return;
      active = false;
      this.#drop(channel, listener);
      await this.#reconcile(channel).catch(() => undefined);
    };
  }

  /** Forgets every listener; the connection itself belongs to the caller. */
  clear(): void {
    for (const set of this.#listeners.values()) set.clear();
    this.#listeners.clear();
  }

  #drop(channel: string, listener: Listener): void {
    const set = this.#listeners.get(channel);
    if (!set) return;
    set.delete(listener);
    if (set.size === 0) this.#listeners.delete(channel);
  }

  #reconcile(channel: string): Promise<void> {
    const previous = this.#pending.get(channel) ?? Promise.resolve();
    const step = previous
      .catch(() => undefined)
      .then(async () => {
        const wanted = (this.#listeners.get(channel)?.size ?? 0) > 0;
        const have = this.#subscribed.has(channel);
        if (wanted && !have) {
          await this.#link.run((redis) => redis.subscribe(channel));
          this.#subscribed.add(channel);
        } else if (!wanted && have) {
          await this.#link.run((redis) => redis.unsubscribe(channel));
          this.#subscribed.delete(channel);
        }
      });
    this.#pending.set(channel, step);
    const forget = (): void => {
      if (this.#pending.get(channel) === step) this.#pending.delete(channel);
    };
    step.then(forget, forget);
    return step;
  }

  #dispatch(channel: string, message: string): void {
    const set = this.#listeners.get(channel);
    if (!set) return;
    for (const listener of [...set]) {
      // A listener removed by an earlier one in this loop does not get the message.
      if (set.has(listener)) listener.deliver(message);
    }
  }
}
