import { randomUUID } from 'node:crypto';
import type { Coordinator } from '../coord/coordinator.js';
import type { PluginLogger } from '@artifactapi/plugin-sdk';
import type { HotCache } from './hot-cache.js';

const INVALIDATE_CHANNEL = 'aapi:invalidate';
const SUBSCRIBE_RETRY_MS = 5_000;

/**
 * Keeps the memory tiers of all replicas in step: every change to an entry is published on the
 * coordinator, and every replica but the sender drops its copy. A message is `<sender> <key>`;
 * a key ending in NUL-star (see {@link prefixKey}) drops every entry under a prefix.
 */
export class Invalidation {
  private readonly instanceId = randomUUID();
  private unsubscribe: (() => Promise<void>) | undefined;
  private retrySubscribe: NodeJS.Timeout | undefined;

  constructor(
    private readonly coord: Coordinator,
    private readonly hot: HotCache,
    private readonly log: PluginLogger,
  ) {}

  /**
   * Subscribes to invalidations from other replicas. While the coordinator is down the
   * subscription is retried in the background, so a replica starts during a Redis outage.
   */
  async start(): Promise<void> {
    const subscribe = () =>
      this.coord.subscribe(
        INVALIDATE_CHANNEL,
        (message) => this.receive(message),
        () => {
          // Invalidations sent while the subscription was down are lost: start the memory tier afresh.
          this.hot.clear();
          this.log.info({}, 'cache invalidations resumed; memory tier cleared');
        },
      );
    try {
      this.unsubscribe = await subscribe();
    } catch (err) {
      this.log.warn({ err }, 'cannot subscribe to cache invalidations yet; retrying');
      this.retrySubscribe = setInterval(() => {
        subscribe().then(
          (unsubscribe) => {
            clearInterval(this.retrySubscribe);
            this.unsubscribe = unsubscribe;
            this.hot.clear();
            this.log.info({}, 'subscribed to cache invalidations');
          },
          () => {},
        );
      }, SUBSCRIBE_RETRY_MS);
      this.retrySubscribe.unref();
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.retrySubscribe);
    await this.unsubscribe?.();
  }

  /** Tells the other replicas that the entry under `key` (a HotCache key) changed. */
  async publish(key: string): Promise<void> {
    await this.coord
      .publish(INVALIDATE_CHANNEL, `${this.instanceId} ${key}`)
      .catch((err: unknown) => this.log.warn({ err }, 'could not publish a cache invalidation'));
  }

  /** Tells the other replicas that every entry of `repo` whose path starts with `prefix` changed. */
  async publishPrefix(repo: string, prefix: string): Promise<void> {
    await this.publish(prefixKey(repo, prefix));
  }

  private receive(message: string): void {
    const space = message.indexOf(' ');
    if (message.slice(0, space) === this.instanceId) return;
    const key = message.slice(space + 1);
    if (key.endsWith(PREFIX_MARK)) this.hot.deletePrefix(key.slice(0, -PREFIX_MARK.length));
    else this.hot.deleteEntry(key);
  }
}

/** Paths never contain NUL (normaliseRepoPath refuses it), so this suffix cannot end a real key. */
const PREFIX_MARK = '\u0000*';

function prefixKey(repo: string, prefix: string): string {
  return `${repo}\u0000${prefix}${PREFIX_MARK}`;
}
