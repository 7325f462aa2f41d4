export type { CacheEntry, MetadataStore } from './metadata-store.js';
export { SqliteMetadataStore } from './sqlite-metadata-store.js';
export type { SqliteMetadataStoreOptions } from './sqlite-metadata-store.js';
export { PostgresMetadataStore } from './postgres-metadata-store.js';
export type { PostgresMetadataStoreOptions } from './postgres-metadata-store.js';
