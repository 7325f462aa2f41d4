import type { RedisChannels } from './redis-channels.js';
import type { RedisLink } from './redis-link.js';

/** What {@link waitForUnlock} watches. */
export interface UnlockWatch {
  link: RedisLink;
  channels: RedisChannels;
  redisKey: string;
  unlockChannel: string;
  /** The caller's signal: aborting rejects with its reason. */
  signal?: AbortSignal;
  /** The coordinator's own: aborted on close, rejects with its reason. */
  closing: AbortSignal;
}

/** How long to wait before looking again at a lock key that has no expiry (not one of ours). */
const NO_TTL_RECHECK_MS = 1000;
/** Past the key's PTTL, so the check after it finds the key gone rather than about to go. */
const EXPIRY_SLACK_MS = 5;

/**
 * Resolves once `redisKey` is not locked. Subscribes to the unlock channel first and only then
 * looks at the key, so a release between the look and the subscription cannot be missed. A
 * holder that died sends no message; its key expires, so the key is looked at again when its
 * PTTL runs out (and after that, for a live holder that renewed, on its new PTTL).
 * Rejects when Redis cannot be asked.
 */
export function waitForUnlock(watch: UnlockWatch): Promise<void> {
  const { link, channels, redisKey, unlockChannel, signal, closing } = watch;
  if (closing.aborted) return Promise.reject(closing.reason);
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    let stopListening: (() => Promise<void>) | undefined;
    const finish = (err?: unknown): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      closing.removeEventListener('abort', onClose);
      void stopListening?.();
      if (err === undefined) resolve();
      else reject(err);
    };
    const onAbort = (): void => finish(signal?.reason);
    const onClose = (): void => finish(closing.reason);
    const look = async (): Promise<void> => {
      let pttl: number;
      try {
        pttl = await link.run((redis) => redis.pttl(redisKey));
      } catch (err) {
        finish(err);
        return;
      }
      if (done) return;
      if (pttl === -2) {
        finish();
        return;
      }
      timer = setTimeout(() => void look(), pttl > 0 ? pttl + EXPIRY_SLACK_MS : NO_TTL_RECHECK_MS);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    closing.addEventListener('abort', onClose, { once: true });
    channels.listen(unlockChannel, () => finish()).then(
      (stop) => {
        if (done) {
          void stop();
          return;
        }
        stopListening = stop;
        void look();
      },
      (err: unknown) => finish(err),
    );
  });
}
