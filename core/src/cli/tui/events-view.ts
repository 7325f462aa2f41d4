import { Box, Text, useInput } from 'ink';
import { createElement as h, useState, type ReactElement } from 'react';
import type { ServerEvent } from './api-types.js';
import { formatBytes, formatClock } from './format.js';
import { Table, type Column } from './table.js';
import type { EventFeed } from './use-event-feed.js';
import type { PaneProps } from './view-props.js';

export interface EventsProps extends PaneProps {
  feed: EventFeed;
}

const TYPE_COLOR: Record<string, string> = {
  fetch: 'green',
  revalidate: 'cyan',
  stale: 'yellow',
  evict: 'magenta',
  repository: 'blue',
  upstream_error: 'red',
  quarantine: 'yellow',
  firewall: 'red',
  job: 'cyan',
};

const COLUMNS: Column<ServerEvent>[] = [
  { title: 'Time', width: 8, value: (e) => formatClock(e.time) },
  { title: 'Event', width: 14, value: (e) => e.type, color: (e) => TYPE_COLOR[e.type] },
  { title: 'Repository', width: 14, value: (e) => e.repo ?? '' },
  { title: 'Status', optional: true, width: 6, align: 'right', value: (e) => (e.status === undefined ? '' : String(e.status)) },
  { title: 'Bytes', optional: true, width: 9, align: 'right', value: (e) => (e.bytes === undefined ? '' : formatBytes(e.bytes)) },
  // Last and as wide as the rest leaves: a path and, for errors and jobs, what happened.
  { title: 'Path · detail', width: 0, value: (e) => [e.path, detail(e)].filter(Boolean).join(' · ') },
];

/** The live stream, newest at the bottom; ↑ scrolls back (and stops following), End follows again. */
export function EventsView({ feed, width, height, active }: EventsProps): ReactElement {
  // Lines scrolled back from the newest event; 0 = follow the stream.
  const [back, setBack] = useState(0);
  const room = Math.max(1, height - 2);
  const maxBack = Math.max(0, feed.events.length - room);
  const offset = Math.min(back, maxBack);

  useInput(
    (input, key) => {
      if (key.upArrow || input === 'k') setBack((b) => Math.min(maxBack, Math.min(b, maxBack) + 1));
      else if (key.downArrow || input === 'j') setBack((b) => Math.max(0, Math.min(b, maxBack) - 1));
      else if (key.pageUp) setBack((b) => Math.min(maxBack, Math.min(b, maxBack) + room));
      else if (key.pageDown) setBack((b) => Math.max(0, Math.min(b, maxBack) - room));
      else if (key.home) setBack(maxBack);
      else if (key.end || input === 'G') setBack(0);
    },
    { isActive: active },
  );

  const end = feed.events.length - offset;
  const shown = feed.events.slice(Math.max(0, end - room), end);
  const state = feed.connected ? h(Text, { color: 'green' }, '● live') : h(Text, { color: 'yellow' }, '○ reconnecting');
  const position = offset > 0 ? `scrolled back ${offset} · End follows again` : 'following';
  return h(
    Box,
    { flexDirection: 'column' },
    h(Text, null, state, h(Text, { dimColor: true }, ` · ${feed.events.length === 1 ? '1 event' : `${feed.events.length} events`} · ${position}`)),
    h(Table<ServerEvent>, {
      columns: COLUMNS,
      rows: shown,
      width,
      empty: feed.connected ? 'Waiting for events: fetches, revalidations, evictions, upstream errors…' : 'Not connected to the event stream.',
      rowKey: (e, i) => `${end - shown.length + i}`,
    }),
  );
}

function detail(e: ServerEvent): string {
  if (e.job) return `job ${e.job.id}: ${e.job.done}/${e.job.total}${e.job.failed ? `, ${e.job.failed} failed` : ''}`;
  // An eviction's action says whether one path or a prefix went; only the prefix is news.
  const action = e.type === 'evict' ? (e.action === 'prefix' ? 'everything under the prefix' : undefined) : e.action;
  return [action, e.message, e.replica ? `on ${e.replica}` : undefined].filter(Boolean).join(': ');
}
