import { setTimeout as sleep } from 'node:timers/promises';
import { useEffect, useState } from 'react';
import type { ServerEvent } from './api-types.js';
import { readServerEvents } from './event-stream.js';
import { describeProblem, type ManagementClient } from './management-client.js';

/** Older events are dropped past this many; the view shows the newest that fit. */
const KEEP = 1000;
const RECONNECT_MS = 3000;

export interface EventFeed {
  /** Oldest first. */
  events: ServerEvent[];
  connected: boolean;
  /** Why the stream is down; undefined while connected. */
  error: string | undefined;
}

/**
 * Follows GET /api/v2/events for as long as the app runs (not only while the events view is
 * open, so switching to it shows what happened meanwhile), reconnecting after a drop.
 */
export function useEventFeed(client: ManagementClient): EventFeed {
  const [feed, setFeed] = useState<EventFeed>({ events: [], connected: false, error: undefined });

  useEffect(() => {
    const stop = new AbortController();
    const follow = async () => {
      while (!stop.signal.aborted) {
        try {
          const body = await client.openEvents(stop.signal);
          setFeed((prev) => ({ ...prev, connected: true, error: undefined }));
          for await (const event of readServerEvents(body)) {
            setFeed((prev) => ({ ...prev, events: [...prev.events.slice(-(KEEP - 1)), event] }));
          }
          setFeed((prev) => ({ ...prev, connected: false, error: 'the server closed the event stream; reconnecting' }));
        } catch (err) {
          if (stop.signal.aborted) return;
          setFeed((prev) => ({ ...prev, connected: false, error: describeProblem(err) }));
        }
        await sleep(RECONNECT_MS, undefined, { signal: stop.signal }).catch(() => undefined);
      }
    };
    void follow();
    return () => stop.abort();
  }, [client]);

  return feed;
}
