import type { StoredToken, TokenScope } from './metadata-store.js';

/** A row of `tokens`, the same table in every SQL store (pg returns int8 as strings). */
export interface TokenRow {
  id: string;
  name: string;
  scopes: string;
  hash: string;
  created_at: string | number;
  expires_at: string | number | null;
  last_used_at: string | number | null;
}

export const TOKEN_COLUMNS = 'id, name, scopes, hash, created_at, expires_at, last_used_at';

export function fromTokenRow(row: TokenRow): StoredToken {
  return {
    id: row.id,
    name: row.name,
    scopes: JSON.parse(row.scopes) as TokenScope[],
    hash: row.hash,
    createdAt: Number(row.created_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  };
}

/** Values in {@link TOKEN_COLUMNS} order. */
export function tokenParams(token: StoredToken): [string, string, string, string, number, number | null, number | null] {
  return [token.id, token.name, JSON.stringify(token.scopes), token.hash, token.createdAt, token.expiresAt, token.lastUsedAt];
}
