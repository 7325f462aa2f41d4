import { Box, Text, useInput } from 'ink';
import { createElement as h, useCallback, useEffect, useState, type ReactElement } from 'react';
import type { CachedObject, ObjectPage } from './api-types.js';
import { formatAge, formatBytes, formatCount, formatUntil } from './format.js';
import { describeProblem } from './management-client.js';
import { Table, type Column } from './table.js';
import type { ActionProps, PaneProps } from './view-props.js';

export interface ObjectsProps extends PaneProps, ActionProps {
  remote: string;
  onBack: () => void;
  /** After an eviction, so the counters elsewhere follow. */
  onChanged: () => void;
}

const COLUMNS: Column<CachedObject>[] = [
  { title: 'Path', width: 0, keepEnd: true, value: (o) => o.path },
  { title: 'Size', width: 10, align: 'right', value: (o) => formatBytes(o.size) },
  { title: 'Hits', width: 6, align: 'right', value: (o) => formatCount(o.hits) },
  { title: 'Cached', optional: true, width: 11, value: (o) => formatAge(o.cached_at) },
  { title: 'Last access', optional: true, width: 11, value: (o) => formatAge(o.last_access) },
  // Immutable objects (versioned files) never expire; mutable ones (indexes) are revalidated.
  { title: 'Expires', optional: true, width: 10, value: (o) => (o.mutable === false ? 'never' : formatUntil(o.expires_at)) },
];

/**
 * One page of a remote's cached objects at a time (the API's cursor paging; the cursors of the
 * pages already seen are kept so ← goes back). `d` asks before evicting the selected object.
 */
export function ObjectsView(props: ObjectsProps): ReactElement {
  const { client, remote, notify, setModal } = props;
  // Fixed on entry: a resize mid-way would otherwise shift every page boundary.
  const [limit] = useState(() => Math.max(3, props.height - 3));
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<ObjectPage | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [selected, setSelected] = useState(0);
  const [confirming, setConfirming] = useState<CachedObject | undefined>(undefined);
  const [reloads, setReloads] = useState(0);
  const cursor = cursors[cursors.length - 1] ?? null;

  useEffect(() => {
    let live = true;
    client.objects(remote, { limit, cursor }).then(
      (next) => {
        if (!live) return;
        setPage(next);
        setError(undefined);
      },
      (err: unknown) => live && setError(describeProblem(err)),
    );
    return () => {
      live = false;
    };
  }, [client, remote, limit, cursor, reloads]);

  // Hit counts and ages move while the page is open; reloaded like the dashboard, while shown.
  useEffect(() => {
    if (!props.active) return;
    const timer = setInterval(() => setReloads((n) => n + 1), props.refreshMs);
    return () => clearInterval(timer);
  }, [props.active, props.refreshMs]);

  const ask = useCallback(
    (object: CachedObject | undefined) => {
      setConfirming(object);
      setModal(object !== undefined);
    },
    [setModal],
  );

  const evict = (object: CachedObject) => {
    ask(undefined);
    client.evict(remote, object.path).then(
      (evicted) => {
        notify(evicted > 0 ? `Evicted ${object.path} from ${remote}; the next request fetches it from upstream.` : `${object.path} was no longer cached in ${remote}.`);
        props.onChanged();
        setReloads((n) => n + 1);
      },
      (err: unknown) => notify(`Could not evict ${object.path}: ${describeProblem(err)}`, 'error'),
    );
  };

  const objects = page?.objects ?? [];
  const current = Math.min(selected, Math.max(0, objects.length - 1));

  useInput(
    (input, key) => {
      if (confirming) {
        if (input === 'y' || input === 'Y') evict(confirming);
        else ask(undefined);
        return;
      }
      if (key.escape || key.backspace || key.leftArrow && cursors.length === 1) props.onBack();
      else if (key.upArrow || input === 'k') setSelected((s) => Math.max(0, Math.min(s, objects.length - 1) - 1));
      else if (key.downArrow || input === 'j') setSelected((s) => Math.min(objects.length - 1, s + 1));
      else if ((key.pageDown || key.rightArrow || input === 'n') && page?.next_cursor) {
        setCursors([...cursors, page.next_cursor]);
        setSelected(0);
      } else if ((key.pageUp || key.leftArrow || input === 'p') && cursors.length > 1) {
        setCursors(cursors.slice(0, -1));
        setSelected(0);
      } else if ((input === 'd' || key.delete) && objects[current]) ask(objects[current]);
      else if (input === 'r') setReloads((n) => n + 1);
    },
    { isActive: props.active },
  );

  const first = (cursors.length - 1) * limit;
  const range = !page ? 'loading' : objects.length > 0 ? `objects ${first + 1}–${first + objects.length}` : 'no objects';
  const more = page?.next_cursor ? ' · → next page' : '';
  const back = cursors.length > 1 ? ' · ← previous page' : '';
  return h(
    Box,
    { flexDirection: 'column' },
    h(
      Text,
      null,
      h(Text, { bold: true }, remote),
      h(Text, { dimColor: true }, ` › cached objects · page ${cursors.length} · ${range}${more}${back} · d evict · Esc back`),
    ),
    error
      ? h(Text, { color: 'red' }, error)
      : !page
        ? h(Text, { dimColor: true }, 'Loading…')
        : h(Table<CachedObject>, {
            columns: COLUMNS,
            rows: objects,
            selected: current,
            width: props.width,
            empty: cursors.length > 1 ? 'No more objects.' : `Nothing from ${remote} is cached yet.`,
            rowKey: (o) => o.path,
          }),
    confirming
      ? h(
          Box,
          null,
          h(Text, { color: 'yellow', bold: true }, `Evict ${confirming.path} from ${remote}? `),
          h(Text, null, 'The next request fetches it from upstream again. '),
          h(Text, { bold: true }, '[y/N]'),
        )
      : null,
  );
}
