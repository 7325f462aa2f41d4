import { Box, Text, useInput } from 'ink';
import { createElement as h, useState, type ReactElement } from 'react';
import type { Remote, Stats } from './api-types.js';
import { formatBytes, formatCount } from './format.js';
import { ObjectsView } from './objects-view.js';
import { Table, type Column } from './table.js';
import type { Polled } from './use-polled.js';
import type { ActionProps, PaneProps } from './view-props.js';

export interface RepositoriesProps extends PaneProps, ActionProps {
  remotes: Polled<Remote[]>;
  stats: Polled<Stats>;
}

interface RemoteRow {
  remote: Remote;
  objects: number | undefined;
  bytes: number | undefined;
}

const COLUMNS: Column<RemoteRow>[] = [
  { title: 'Name', width: 18, value: (r) => r.remote.name },
  { title: 'Type', optional: true, width: 6, value: (r) => r.remote.type },
  { title: 'Package', width: 10, value: (r) => r.remote.package },
  { title: 'Source', optional: true, width: 6, value: (r) => r.remote.source },
  { title: 'Objects', width: 8, align: 'right', value: (r) => formatCount(r.objects) },
  { title: 'Stored', optional: true, width: 10, align: 'right', value: (r) => formatBytes(r.bytes) },
  { title: 'Upstream', width: 0, value: (r) => r.remote.base_url ?? '(hosted)' },
];

/** The repository list; Enter opens the selected one's cached objects, Esc comes back. */
export function RepositoriesView(props: RepositoriesProps): ReactElement {
  const [selected, setSelected] = useState(0);
  const [browsing, setBrowsing] = useState<string | undefined>(undefined);
  const remotes = [...(props.remotes.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  const current = Math.min(selected, Math.max(0, remotes.length - 1));

  useInput(
    (input, key) => {
      // Functional updates: keys that arrive in one read are handled before the next render.
      if (key.upArrow || input === 'k') setSelected((s) => Math.max(0, Math.min(s, remotes.length - 1) - 1));
      else if (key.downArrow || input === 'j') setSelected((s) => Math.min(remotes.length - 1, s + 1));
      else if (key.home) setSelected(0);
      else if (key.end) setSelected(remotes.length - 1);
      else if ((key.return || key.rightArrow) && remotes[current]) setBrowsing(remotes[current].name);
    },
    { isActive: props.active && browsing === undefined },
  );

  if (browsing !== undefined) {
    const { remotes: _remotes, stats: _stats, ...shared } = props;
    return h(ObjectsView, {
      ...shared,
      remote: browsing,
      onBack: () => setBrowsing(undefined),
      onChanged: () => props.stats.refresh(),
    });
  }
  if (!props.remotes.data) return h(Text, { dimColor: true }, props.remotes.error ? 'No repository list yet.' : 'Loading repositories…');

  const counters = props.stats.data?.repositories ?? {};
  const rows: RemoteRow[] = remotes.map((remote) => ({ remote, objects: counters[remote.name]?.objects, bytes: counters[remote.name]?.bytes }));
  // Keeps the selection on screen when the list is longer than the terminal.
  const room = Math.max(1, props.height - 2);
  const first = Math.min(Math.max(0, current - room + 1), Math.max(0, rows.length - room));
  return h(
    Box,
    { flexDirection: 'column' },
    h(Text, { dimColor: true }, `${remotes.length} repositories · Enter browses the cached objects of the selected one`),
    h(Table<RemoteRow>, {
      columns: COLUMNS,
      rows: rows.slice(first, first + room),
      selected: current - first,
      width: props.width,
      empty: 'No repositories are configured.',
      rowKey: (r) => r.remote.name,
    }),
  );
}
