/** A held lock. `lost` fires when the lock can no longer be guaranteed (e.g. renewal failed). */
export interface HeldLock {
  readonly key: string;
  readonly lost: AbortSignal;
  /** Releases the lock if this holder still owns it; never releases someone else's. */
  release(): Promise<void>;
}

/**
 * Cross-request (and, for distributed implementations, cross-replica) coordination.
 * Implementations: `memory` (embedded default), `redis`.
 */
export interface Coordinator {
  readonly kind: string;
  /**
   * Tries to take the lock for `key` for `ttlMs`, renewed automatically while held.
   * Resolves to undefined when someone else holds it.
   */
  tryLock(key: string, ttlMs: number): Promise<HeldLock | undefined>;
  /** Resolves once `key` is not locked (released, expired or its holder died), or rejects with `signal.reason` on abort. */
  waitUnlocked(key: string, signal?: AbortSignal): Promise<void>;
  /** Sets a key that disappears after `ttlMs`. */
  setTtl(key: string, value: string, ttlMs: number): Promise<void>;
  /** Reads a TTL key; undefined when absent or expired. */
  getTtl(key: string): Promise<string | undefined>;
  deleteTtl(key: string): Promise<void>;
  /** Sends a message to every subscriber of `channel`, in this process and others. */
  publish(channel: string, message: string): Promise<void>;
  /**
   * Registers a handler; returns a function that unsubscribes. `onGap` runs when delivery resumes
   * after an interruption (a lost connection) during which messages may have gone unseen.
   */
  subscribe(channel: string, handler: (message: string) => void, onGap?: () => void): Promise<() => Promise<void>>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
