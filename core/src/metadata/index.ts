export type {
  AccessCount,
  BrowsedEntry,
  BrowseQuery,
  CacheEntry,
  MetadataStore,
  ObjectSort,
  StoredRepository,
  StoredToken,
  TokenScope,
  StoreUsage,
} from './metadata-store.js';
export { sortValue } from './browse-sql.js';
export { SqliteMetadataStore } from './sqlite-metadata-store.js';
export type { SqliteMetadataStoreOptions } from './sqlite-metadata-store.js';
export { PostgresMetadataStore } from './postgres-metadata-store.js';
export type { PostgresMetadataStoreOptions } from './postgres-metadata-store.js';
