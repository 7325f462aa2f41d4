import { randomUUID } from 'node:crypto';
import type { PluginLogger } from '@artifactapi/plugin-sdk';
import type { Coordinator } from '../coord/coordinator.js';
import { durableSubscription } from '../coord/durable-subscription.js';
import { backendError } from '../engine/backend-errors.js';
import type { MetadataStore, StoredToken, TokenScope } from '../metadata/index.js';
import { hashTokenSecret, looksLikeTokenSecret, newTokenSecret, sameHash } from './token-secret.js';

const CHANNEL = 'aapi:tokens';
/** How long a replica trusts what it looked up; revocations arrive over pub/sub, this is the backstop. */
const CACHE_MS = 10_000;
/** An unknown secret is asked for again after this; a token created meanwhile is announced anyway. */
const UNKNOWN_MS = 2_000;
const MAX_CACHED = 10_000;
/** Last use is written at most this often per token and replica. */
const TOUCH_MS = 60_000;

interface Cached {
  token: StoredToken | undefined;
  until: number;
}

export interface NewToken {
  name: string;
  scopes: TokenScope[];
  expiresAt: number | null;
}

/**
 * Named access tokens (DESIGN §10): created and revoked through the management API, stored as a
 * sha256 in the metadata store, and checked on requests through a small per-replica cache keyed
 * by that hash. A create or revoke is announced on the coordinator, and every replica drops its
 * cache, so a revoked token is refused everywhere as soon as the message arrives.
 */
export class TokenService {
  readonly #cache = new Map<string, Cached>();
  readonly #touched = new Map<string, number>();
  /** Bumped whenever the cache is dropped, so a lookup that started before a revoke does not put its answer back. */
  #generation = 0;
  #unsubscribe: (() => Promise<void>) | undefined;

  constructor(
    private readonly meta: MetadataStore,
    private readonly coord: Coordinator,
    private readonly log: PluginLogger,
  ) {}

  async start(): Promise<void> {
    this.#unsubscribe = await durableSubscription(this.coord, CHANNEL, () => this.#forget(), () => this.#forget(), this.log);
  }

  async stop(): Promise<void> {
    await this.#unsubscribe?.();
  }

  /** Stores a new token; resolves to it and its secret, which is not kept anywhere. */
  async create(request: NewToken): Promise<{ token: StoredToken; secret: string }> {
    const secret = newTokenSecret();
    const token: StoredToken = {
      id: randomUUID(),
      name: request.name,
      scopes: request.scopes.map((s) => ({ access: s.access, repositories: [...s.repositories] })),
      hash: hashTokenSecret(secret),
      createdAt: Date.now(),
      expiresAt: request.expiresAt,
      lastUsedAt: null,
    };
    await this.#store(() => this.meta.createToken(token));
    await this.#announce('created');
    return { token, secret };
  }

  list(): Promise<StoredToken[]> {
    return this.#store(() => this.meta.listTokens());
  }

  /** Deletes a token and tells every replica; resolves to whether there was one. */
  async revoke(id: string): Promise<boolean> {
    const found = await this.#store(() => this.meta.deleteToken(id));
    this.#forget();
    if (found) await this.#announce('revoked');
    return found;
  }

  /**
   * The live token a presented secret belongs to: undefined for an unknown, revoked or expired
   * one. Anything not shaped like a token is not looked up.
   */
  async find(secret: string): Promise<StoredToken | undefined> {
    if (!looksLikeTokenSecret(secret)) return undefined;
    const hash = hashTokenSecret(secret);
    const now = Date.now();
    let cached = this.#cache.get(hash);
    if (!cached || cached.until <= now) {
      const generation = this.#generation;
      const token = await this.#store(() => this.meta.getTokenByHash(hash));
      cached = { token, until: now + (token ? CACHE_MS : UNKNOWN_MS) };
      if (generation === this.#generation) {
        if (this.#cache.size >= MAX_CACHED) this.#cache.clear();
        this.#cache.set(hash, cached);
      }
    }
    const token = cached.token;
    if (!token || !sameHash(token.hash, hash)) return undefined;
    if (token.expiresAt !== null && token.expiresAt <= now) return undefined;
    this.#touch(token.id, now);
    return token;
  }

  #forget(): void {
    this.#generation++;
    this.#cache.clear();
  }

  #touch(id: string, now: number): void {
    if (now - (this.#touched.get(id) ?? 0) < TOUCH_MS) return;
    this.#touched.set(id, now);
    this.meta.touchToken(id, now).catch((err: unknown) => this.log.warn({ err }, 'cannot record a token use'));
  }

  async #announce(event: 'created' | 'revoked'): Promise<void> {
    await this.coord.publish(CHANNEL, event).catch((err: unknown) => this.log.warn({ err }, 'cannot announce a token change; other replicas see it within 10 s'));
  }

  async #store<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (err) {
      throw backendError('AAPI_ERR_METADATA_UNAVAILABLE', err);
    }
  }
}
