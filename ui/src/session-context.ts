import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from './api.js';
import type { EventFeed } from './live-events.js';
import type { StatsHistory } from './stats-history.js';

/** What every page of a logged-in tab shares. */
export interface Session {
  api: Api;
  feed: EventFeed;
  history: StatsHistory;
  logout(): void;
  /** Says something in the status region (read out by screen readers). */
  notify(message: string, tone?: 'ok' | 'error'): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a logged-in tab');
  return session;
}
