import type { StoredRepository } from './metadata-store.js';

/** A row of `repositories`, the same table in every SQL store (pg returns int8 as strings). */
export interface RepositoryRow {
  name: string;
  kind: string;
  definition: string;
  created_at: string | number;
  updated_at: string | number;
}

export const REPOSITORY_COLUMNS = 'name, kind, definition, created_at, updated_at';

export function fromRepositoryRow(row: RepositoryRow): StoredRepository {
  return {
    name: row.name,
    kind: row.kind === 'virtual' ? 'virtual' : 'remote',
    definition: JSON.parse(row.definition) as Record<string, unknown>,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** Values in {@link REPOSITORY_COLUMNS} order. */
export function repositoryParams(repo: StoredRepository): [string, string, string, number, number] {
  return [repo.name, repo.kind, JSON.stringify(repo.definition), repo.createdAt, repo.updatedAt];
}
