import type { PluginLogger } from '@artifactapi/plugin-sdk';
import type { Coordinator } from './coordinator.js';

const RETRY_MS = 5_000;

/**
 * Subscribes to `channel`, and while the coordinator is down keeps trying in the background, so a
 * replica starts during an outage. `caughtUp` runs when messages may have been missed: after a
 * gap in delivery, and when a late subscription finally succeeds. Resolves to the unsubscriber.
 */
export async function durableSubscription(
  coord: Coordinator,
  channel: string,
  handler: (message: string) => void,
  caughtUp: () => void,
  log: PluginLogger,
): Promise<() => Promise<void>> {
  let unsubscribe: (() => Promise<void>) | undefined;
  let retry: NodeJS.Timeout | undefined;
  const subscribe = () => coord.subscribe(channel, handler, caughtUp);
  try {
    unsubscribe = await subscribe();
  } catch (err) {
    log.warn({ err, channel }, 'cannot subscribe yet; retrying in the background');
    retry = setInterval(() => {
      subscribe().then(
        (done) => {
          clearInterval(retry);
          unsubscribe = done;
          caughtUp();
        },
        () => {},
      );
    }, RETRY_MS);
    retry.unref();
  }
  return async () => {
    clearInterval(retry);
    await unsubscribe?.();
  };
}
