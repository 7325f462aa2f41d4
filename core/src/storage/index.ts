export type { BlobStat, BlobStore, BlobWriter, ByteRange, Sha256Hex } from './blob-store.js';
export { FsBlobStore } from './fs-blob-store.js';
export type { FsBlobStoreOptions } from './fs-blob-store.js';
export { S3BlobStore } from './s3-blob-store.js';
export type { S3BlobStoreOptions } from './s3-blob-store.js';
