import { ENTRY_COLUMNS, fromRow, type EntryRow } from './entry-row.js';
import type { BrowsedEntry, BrowseQuery, ObjectSort } from './metadata-store.js';
import { prefixUpperBound } from './prefix-upper-bound.js';

/** The column each sort reads; each has an index on (repo, column, path), path's is the primary key. */
const SORT_COLUMN: Record<ObjectSort, string> = { path: 'path', size: 'size', hits: 'hits', cached_at: 'stored_at' };

/** Columns of a browsed row: an entry's, then its access counts. */
export const BROWSE_COLUMNS = `${ENTRY_COLUMNS}, hits, last_access`;

export interface BrowseRow extends EntryRow {
  hits: string | number;
  last_access: string | number | null;
}

/** A statement's shape: what varies in the SQL text (values are bound), so it can be prepared once per shape. */
export function browseShape(query: BrowseQuery): string {
  return [query.sort, query.order, query.prefix ? 'p' : '', prefixUpperBound(query.prefix ?? '') ? 'u' : '', query.q ? 'q' : '', query.after ? 'a' : ''].join(':');
}

/**
 * A keyset page in SQL with `?` placeholders, and its values in order. `contains` is the dialect's
 * substring test on `path` (SQLite `instr(path, ?) > 0`, PostgreSQL `strpos(path, ?) > 0`), a scan
 * within the repository's range, bounded by LIMIT.
 */
export function browseSql(table: string, query: BrowseQuery, contains: string): { sql: string; values: unknown[] } {
  const column = SORT_COLUMN[query.sort];
  const desc = query.order === 'desc';
  const where = ['repo = ?'];
  const values: unknown[] = [query.repo];
  if (query.prefix) {
    where.push('path >= ?');
    values.push(query.prefix);
    const upper = prefixUpperBound(query.prefix);
    if (upper !== undefined) {
      where.push('path < ?');
      values.push(upper);
    }
  }
  if (query.q) {
    where.push(contains);
    values.push(query.q);
  }
  if (query.after) {
    const cmp = desc ? '<' : '>';
    if (column === 'path') {
      where.push(`path ${cmp} ?`);
      values.push(query.after.path);
    } else {
      // A row comparison walks the (repo, column, path) index from the cursor on.
      where.push(`(${column}, path) ${cmp} (?, ?)`);
      values.push(query.after.value, query.after.path);
    }
  }
  const direction = desc ? ' DESC' : '';
  const order = column === 'path' ? `path${direction}` : `${column}${direction}, path${direction}`;
  values.push(query.limit);
  return { sql: `SELECT ${BROWSE_COLUMNS} FROM ${table} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ?`, values };
}

/** The sort value of a browsed entry, as a cursor keeps it. */
export function sortValue(entry: BrowsedEntry, sort: ObjectSort): string | number {
  switch (sort) {
    case 'path':
      return entry.path;
    case 'size':
      return entry.size;
    case 'hits':
      return entry.hits;
    case 'cached_at':
      return entry.storedAt;
  }
}

export function fromBrowseRow(row: BrowseRow): BrowsedEntry {
  return { ...fromRow(row), hits: Number(row.hits), lastAccess: row.last_access === null ? null : Number(row.last_access) };
}
