import { Box, Text, useApp, useInput, useWindowSize } from 'ink';
import { createElement as h, useCallback, useEffect, useState, type ReactElement } from 'react';
import { DashboardView } from './dashboard-view.js';
import { EventsView } from './events-view.js';
import { formatClock } from './format.js';
import type { ManagementClient } from './management-client.js';
import { RepositoriesView } from './repositories-view.js';
import { useEventFeed } from './use-event-feed.js';
import { usePolled } from './use-polled.js';
import type { Notify } from './view-props.js';

export interface AppProps {
  client: ManagementClient;
  /** How often the dashboard and the repository list reload. */
  refreshMs: number;
}

const VIEWS = ['Dashboard', 'Repositories', 'Events'] as const;
type View = (typeof VIEWS)[number];

const SHORT_HELP = '1-3/Tab views · ↑↓ move · Enter open · q quit · ? help';
const LONG_HELP = [
  '1 2 3 / Tab / Shift+Tab   switch view            r   refresh now',
  '↑ ↓ (j k) Home End        move / scroll          q   quit (also Ctrl+C)',
  'Enter / →                 browse a repository    ?   hide this help',
  '→ ← / n p / PgDn PgUp     next / previous page   d   evict the selected object (asks first)',
  'Esc / Backspace           back to the list       End follow new events again',
];
const STATUS_MS = 10_000;
/** Lines taken by the tab bar, the rule under it and the footer (status + help). */
const CHROME = 5;

/** Tab bar, the current view, a status line and the help line; global keys live here. */
export function App({ client, refreshMs }: AppProps): ReactElement {
  const { exit } = useApp();
  const { columns, rows } = useWindowSize();
  const [view, setView] = useState<View>('Dashboard');
  const [help, setHelp] = useState(false);
  const [modal, setModal] = useState(false);
  const [status, setStatus] = useState<{ message: string; tone: 'info' | 'error' } | undefined>(undefined);

  const stats = usePolled(useCallback(() => client.stats(), [client]), refreshMs);
  const health = usePolled(useCallback(() => client.health(), [client]), refreshMs);
  const remotes = usePolled(useCallback(() => client.remotes(), [client]), refreshMs * 2);
  const feed = useEventFeed(client);
  const notify = useCallback<Notify>((message, tone = 'info') => setStatus({ message, tone }), []);
  // News fades after a while; a refresh that keeps failing stays up (it is not `status`).
  useEffect(() => {
    if (!status) return;
    const timer = setTimeout(() => setStatus((now) => (now === status ? undefined : now)), STATUS_MS);
    return () => clearTimeout(timer);
  }, [status]);

  useInput(
    (input, key) => {
      const index = VIEWS.indexOf(view);
      if (input === 'q') exit();
      else if (input === '?') setHelp((shown) => !shown);
      else if (input >= '1' && input <= String(VIEWS.length)) setView(VIEWS[Number(input) - 1]!);
      else if (key.tab) setView(VIEWS[(index + (key.shift ? VIEWS.length - 1 : 1)) % VIEWS.length]!);
      else if (input === 'r') {
        stats.refresh();
        health.refresh();
        remotes.refresh();
      }
    },
    { isActive: !modal },
  );

  const width = Math.max(40, columns - 2);
  const height = Math.max(5, rows - CHROME - (help ? LONG_HELP.length : 0));
  // A failing refresh says why in the status line, over older news.
  const problem = stats.error ?? health.error ?? remotes.error;
  // Every view stays mounted (hidden when not shown), so a repository being browsed or an events
  // scroll position is still there after a look at another tab.
  const pane = (name: View, content: ReactElement) =>
    h(Box, { key: name, display: name === view ? 'flex' : 'none', flexDirection: 'column' }, content);

  return h(
    Box,
    { flexDirection: 'column', paddingX: 1, height: rows, width: columns },
    h(
      Box,
      { justifyContent: 'space-between' },
      h(
        Box,
        { flexShrink: 0 },
        h(Text, { bold: true, color: 'cyan' }, 'ArtifactAPI '),
        ...VIEWS.map((name, i) =>
          h(Text, { key: name, inverse: name === view, bold: name === view, dimColor: name !== view }, ` ${i + 1} ${name} `),
        ),
      ),
      h(Text, { dimColor: true, wrap: 'truncate-start' }, `${client.endpoint}${stats.updatedAt ? ` · ${formatClock(stats.updatedAt.toISOString())}` : ''}`),
    ),
    h(Text, { dimColor: true }, '─'.repeat(width)),
    h(
      Box,
      { flexDirection: 'column', flexGrow: 1, overflow: 'hidden' },
      pane('Dashboard', h(DashboardView, { stats, health, remotes, width })),
      pane('Repositories', h(RepositoriesView, { client, remotes, stats, width, height, active: view === 'Repositories', refreshMs, notify, setModal })),
      pane('Events', h(EventsView, { feed, width, height, active: view === 'Events' })),
    ),
    problem
      ? h(Text, { color: 'red', wrap: 'truncate-end' }, `⚠ retrying every ${Math.round(refreshMs / 1000)} s, figures as of ${stats.updatedAt ? formatClock(stats.updatedAt.toISOString()) : 'never'} · ${problem}`)
      : status
        ? h(Text, { color: status.tone === 'error' ? 'red' : 'green', wrap: 'truncate-end' }, status.message)
        : h(Text, null, ' '),
    ...(help ? LONG_HELP.map((line) => h(Text, { key: line }, line)) : []),
    h(Text, { dimColor: true, wrap: 'truncate-end' }, help ? 'Press ? to close the help.' : SHORT_HELP),
  );
}
