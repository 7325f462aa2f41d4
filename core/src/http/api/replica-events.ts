import { randomUUID } from 'node:crypto';
import type { PluginLogger } from '@artifactapi/plugin-sdk';
import type { Coordinator } from '../../coord/index.js';
import type { EngineEvent, EventBus } from '../../engine/index.js';

const CHANNEL = 'aapi:events';
/** A TTL key that exists while some replica has an event stream open. */
const LISTENING_KEY = 'events:listening';
const LISTENING_TTL_MS = 30_000;
const REFRESH_MS = 10_000;
/** How often a replica asks whether anyone listens; an event stream sees other replicas' events this long after it opens, at most. */
const POLL_MS = 5_000;

/**
 * Events of the other replicas on this replica's event streams. A replica with a stream open
 * keeps a TTL key alive in the coordinator; every replica polls that key and, while it exists,
 * forwards its own events over pub/sub. With nobody listening anywhere, a replica sends nothing
 * and its bus stays idle (one key read every few seconds). Repository changes are not forwarded:
 * every replica sends its own as it reloads them.
 */
export class ReplicaEvents {
  private readonly id = randomUUID().slice(0, 8);
  private poll: NodeJS.Timeout | undefined;
  private refresh: NodeJS.Timeout | undefined;
  private untap: (() => void) | undefined;
  private unsubscribe: Promise<() => Promise<void>> | undefined;

  constructor(
    private readonly bus: EventBus,
    private readonly coord: Coordinator,
    private readonly log: PluginLogger,
  ) {}

  start(): void {
    if (this.coord.kind === 'memory') return;
    this.bus.watch((listened) => (listened ? this.listen() : this.unlisten()));
    this.poll = setInterval(() => void this.checkForwarding(), POLL_MS);
    this.poll.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.poll);
    this.untap?.();
    await this.unlisten();
  }

  /** This replica has a stream open: say so, and receive the others' events. */
  private listen(): void {
    const mark = () => void this.coord.setTtl(LISTENING_KEY, this.id, LISTENING_TTL_MS).catch(() => undefined);
    mark();
    this.refresh = setInterval(mark, REFRESH_MS);
    this.refresh.unref();
    this.unsubscribe ??= this.coord
      .subscribe(CHANNEL, (message) => this.receive(message))
      .catch((err: unknown) => {
        this.log.warn({ err }, 'cannot receive other replicas\' events');
        this.unsubscribe = undefined;
        return async () => undefined;
      });
  }

  private async unlisten(): Promise<void> {
    clearInterval(this.refresh);
    const pending = this.unsubscribe;
    this.unsubscribe = undefined;
    if (pending) await (await pending)().catch(() => undefined);
  }

  private async checkForwarding(): Promise<void> {
    let wanted: boolean;
    try {
      wanted = (await this.coord.getTtl(LISTENING_KEY)) !== undefined;
    } catch {
      wanted = false;
    }
    if (wanted && !this.untap) {
      this.untap = this.bus.tap((event) => {
        if (event.type === 'repository') return;
        void this.coord.publish(CHANNEL, JSON.stringify({ ...event, replica: this.id })).catch(() => undefined);
      });
    } else if (!wanted && this.untap) {
      this.untap();
      this.untap = undefined;
    }
  }

  private receive(message: string): void {
    try {
      const event = JSON.parse(message) as EngineEvent;
      if (event.replica !== this.id) this.bus.deliver(event);
    } catch {
      // Not ours to understand.
    }
  }
}
