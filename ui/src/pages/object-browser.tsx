import { useState } from 'preact/hooks';
import type { ObjectSort } from '../api.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { Badge, Empty, ErrorNotice } from '../components/feedback.js';
import { formatBytes, formatCount, formatDate } from '../format.js';
import { useAsync, useDebounced } from '../hooks.js';
import { useSession } from '../session-context.js';

const PAGE_SIZES = [25, 50, 100, 250];

const COLUMNS: { key: ObjectSort; label: string; numeric: boolean }[] = [
  { key: 'path', label: 'Path', numeric: false },
  { key: 'size', label: 'Size', numeric: true },
  { key: 'hits', label: 'Hits', numeric: true },
  { key: 'cached_at', label: 'Cached', numeric: false },
];

/**
 * Cached objects of one repository: search by substring, sort by path, size, hits or date, page
 * with the server's cursor (a stack of cursors makes "Previous" free), evict one or a prefix.
 */
export function ObjectBrowser({ repo, local }: { repo: string; local: boolean }) {
  const { api, notify } = useSession();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 250);
  const [sort, setSort] = useState<ObjectSort>('cached_at');
  const [order, setOrder] = useState<'asc' | 'desc'>('desc');
  const [limit, setLimit] = useState(50);
  // cursors[i] opens page i; page 0 has none.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const pageIndex = cursors.length - 1;
  const page = useAsync(() => api.objects(repo, { q, sort, order, limit, cursor: cursors[pageIndex] }), [repo, q, sort, order, limit, cursors]);

  const restart = () => setCursors([null]);
  const sortBy = (key: ObjectSort) => {
    if (key === sort) setOrder(order === 'asc' ? 'desc' : 'asc');
    else {
      setSort(key);
      setOrder(key === 'path' ? 'asc' : 'desc');
    }
    restart();
  };
  const evict = async (target: { path: string } | { prefix: string }) => {
    try {
      const n = await api.evict(repo, target);
      notify(`Evicted ${formatCount(n)} object${n === 1 ? '' : 's'}${'path' in target ? `: ${target.path}` : ` under ${target.prefix}`}.`);
      page.reload();
    } catch (err) {
      notify(`Eviction failed: ${(err as Error).message}`, 'error');
    }
  };
  const objects = page.data?.objects ?? [];
  const verb = local ? 'Delete' : 'Evict';
  return (
    <section class="card" aria-labelledby="objects-title">
      <div class="section-head">
        <h2 id="objects-title">Cached objects</h2>
        <div class="toolbar">
          <label class="visually-hidden" for="object-search">
            Search paths
          </label>
          <input
            id="object-search"
            type="search"
            placeholder="Search paths…"
            value={search}
            onInput={(e) => {
              setSearch(e.currentTarget.value);
              restart();
            }}
            spellcheck={false}
          />
          {q ? (
            <ConfirmButton label={`${verb} paths starting “${q}”…`} title={`${verb} every object whose path starts with “${q}”?`} confirmLabel={verb} class="button small" onConfirm={() => evict({ prefix: q })}>
              <p>Every cached object whose path starts with <code>{q}</code> is removed{local ? ' for good' : '; the next request fetches it from the upstream again'}.</p>
            </ConfirmButton>
          ) : null}
        </div>
      </div>
      {page.error ? <ErrorNotice error={page.error} title="Could not list objects" /> : null}
      <div class="table-wrap" aria-busy={page.loading ? 'true' : 'false'}>
        <table class="objects">
          <caption class="visually-hidden">
            Cached objects of {repo}, sorted by {sort} {order === 'asc' ? 'ascending' : 'descending'}
          </caption>
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th key={c.key} scope="col" class={c.numeric ? 'num' : undefined} aria-sort={sort === c.key ? (order === 'asc' ? 'ascending' : 'descending') : undefined}>
                  <button type="button" class="sort" onClick={() => sortBy(c.key)}>
                    {c.label}
                    <span aria-hidden="true" class="sort-mark">
                      {sort === c.key ? (order === 'asc' ? '▲' : '▼') : '↕'}
                    </span>
                  </button>
                </th>
              ))}
              <th scope="col">Last access</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {objects.map((o) => (
              <tr key={o.path}>
                <th scope="row" class="path">
                  <span class="mono" title={`${o.path}\n${o.digest}\n${o.content_type ?? ''}`}>
                    {o.path}
                  </span>
                  {o.mutable ? (
                    <Badge tone="neutral">
                      <span title={o.expires_at ? `revalidated after ${formatDate(o.expires_at)}` : undefined}>mutable</span>
                    </Badge>
                  ) : null}
                </th>
                <td class="num">{formatBytes(o.size)}</td>
                <td class="num">{formatCount(o.hits)}</td>
                <td>{formatDate(o.cached_at)}</td>
                <td>{formatDate(o.last_access)}</td>
                <td class="end">
                  <ConfirmButton label={verb} ariaLabel={`${verb} ${o.path}`} title={`${verb} ${o.path}?`} confirmLabel={verb} onConfirm={() => evict({ path: o.path })}>
                    <p>{local ? 'The file is removed from this local repository for good.' : 'The cached copy is removed on every replica; the next request fetches it from the upstream again.'}</p>
                  </ConfirmButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {page.data && objects.length === 0 ? <Empty>{q ? `Nothing cached matches “${q}”.` : 'Nothing cached yet.'}</Empty> : null}
      <nav class="pager" aria-label="Pages of objects">
        <label class="page-size">
          <span>Objects per page</span>
          <select
            value={limit}
            onChange={(e) => {
              setLimit(Number(e.currentTarget.value));
              restart();
            }}
          >
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="button small" disabled={pageIndex === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous
        </button>
        <span class="muted small" aria-live="polite">
          Page {pageIndex + 1}
          {page.loading ? ' · loading…' : ''}
        </span>
        <button type="button" class="button small" disabled={!page.data?.next_cursor || page.loading} onClick={() => setCursors([...cursors, page.data!.next_cursor])}>
          Next
        </button>
      </nav>
    </section>
  );
}
