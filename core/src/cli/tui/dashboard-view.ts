import { Box, Text } from 'ink';
import { createElement as h, type ReactElement } from 'react';
import type { BreakerState, Counters, Health, Remote, Stats } from './api-types.js';
import { formatBytes, formatCount, formatRatio } from './format.js';
import { Table, type Column } from './table.js';
import type { Polled } from './use-polled.js';

export interface DashboardProps {
  stats: Polled<Stats>;
  health: Polled<Health>;
  /** Tells hosted repositories (no upstream, so no breaker) from ones whose health is not in yet. */
  remotes: Polled<Remote[]>;
  width: number;
}

interface RepoRow {
  name: string;
  counters: Counters;
  /** `hosted` for a local repository. */
  breaker: BreakerState | 'hosted' | undefined;
}

const BREAKER_COLOR: Record<BreakerState | 'hosted', string | undefined> = { closed: 'green', 'half-open': 'yellow', open: 'red', hosted: undefined };

const COLUMNS: Column<RepoRow>[] = [
  { title: 'Repository', width: 0, value: (r) => r.name },
  { title: 'Objects', width: 8, align: 'right', value: (r) => formatCount(r.counters.objects) },
  { title: 'Stored', optional: true, width: 10, align: 'right', value: (r) => formatBytes(r.counters.bytes) },
  { title: 'Hits', width: 8, align: 'right', value: (r) => formatCount(r.counters.hits) },
  { title: 'Misses', optional: true, width: 8, align: 'right', value: (r) => formatCount(r.counters.misses) },
  { title: 'Hit ratio', width: 9, align: 'right', value: (r) => formatRatio(r.counters.hits, r.counters.misses) },
  { title: 'Served', optional: true, width: 10, align: 'right', value: (r) => formatBytes(r.counters.bytes_served) },
  { title: 'Errors', optional: true, width: 6, align: 'right', value: (r) => formatCount(r.counters.upstream_errors), color: (r) => (r.counters.upstream_errors > 0 ? 'red' : undefined) },
  { title: 'Upstream', width: 9, value: (r) => r.breaker ?? '–', color: (r) => (r.breaker ? BREAKER_COLOR[r.breaker] : undefined) },
];

/** Totals, backends and one line per repository with its counters and circuit-breaker state. */
export function DashboardView({ stats, health, remotes, width }: DashboardProps): ReactElement {
  if (!stats.data) return h(Text, { dimColor: true }, stats.error ? 'No statistics yet.' : 'Loading statistics…');
  const { total, blobs } = stats.data;
  const upstreams = health.data?.upstreams ?? {};
  const hosted = new Set((remotes.data ?? []).filter((r) => r.type === 'local').map((r) => r.name));
  const rows: RepoRow[] = Object.entries(stats.data.repositories)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, counters]) => ({ name, counters, breaker: upstreams[name]?.state ?? (hosted.has(name) ? 'hosted' : undefined) }));
  const open = Object.values(upstreams).filter((u) => u.state !== 'closed').length;

  return h(
    Box,
    { flexDirection: 'column' },
    h(
      Box,
      // Side by side when they fit, one under another on a narrow terminal.
      { flexDirection: 'row', flexWrap: 'wrap', columnGap: 6, marginBottom: 1 },
      h(
        Box,
        { flexDirection: 'column', flexShrink: 0 },
        figure('Hit ratio', formatRatio(total.hits, total.misses), `${plural(total.hits, 'hit')} · ${plural(total.misses, 'miss', 'misses')}`),
        figure('Bytes served', formatBytes(total.bytes_served)),
        figure('Upstream errors', formatCount(total.upstream_errors), undefined, total.upstream_errors > 0 ? 'red' : undefined),
      ),
      h(
        Box,
        { flexDirection: 'column', flexShrink: 0 },
        figure('Cached objects', formatCount(total.objects), formatBytes(total.bytes)),
        figure('Blob store', plural(blobs.count, 'blob'), formatBytes(blobs.bytes)),
        figure('Open breakers', String(open), `of ${plural(Object.keys(upstreams).length, 'upstream')}`, open > 0 ? 'red' : undefined),
      ),
      health.data ? backends(health.data) : h(Text, { dimColor: true }, health.error ? 'Health unavailable' : 'Loading health…'),
    ),
    h(Table<RepoRow>, { columns: COLUMNS, rows, width, empty: 'No repositories.', rowKey: (r) => r.name }),
  );
}

function figure(label: string, value: string, detail?: string, color?: string): ReactElement {
  return h(
    Text,
    { key: label },
    h(Text, { dimColor: true }, label.padEnd(17)),
    h(Text, { bold: true, color }, value),
    detail ? h(Text, { dimColor: true }, `  ${detail}`) : null,
  );
}

function backends(health: Health): ReactElement {
  return h(
    Box,
    { flexDirection: 'column', flexShrink: 0 },
    h(Text, null, h(Text, { dimColor: true }, 'Status'.padEnd(14)), h(Text, { bold: true, color: health.status === 'ok' ? 'green' : 'yellow' }, health.status)),
    ...Object.entries(health.backends).map(([name, b]) =>
      h(
        Text,
        { key: name },
        h(Text, { dimColor: true }, name.padEnd(14)),
        h(Text, { color: b.ok ? 'green' : 'red' }, b.ok ? 'ok' : 'DOWN'),
        h(Text, { dimColor: true }, `  ${b.kind}`),
      ),
    ),
  );
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
