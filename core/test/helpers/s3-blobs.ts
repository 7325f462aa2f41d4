import { S3BlobStore, type S3BlobStoreOptions } from '../../src/storage/index.js';
import type { S3rverInstance } from './s3rver.js';

type S3Server = Pick<S3rverInstance, 'bucket' | 'endpoint' | 'accessKeyId' | 'secretAccessKey'>;

/** The S3BlobStore options of a store in the bucket of `server`, under `prefix`. */
export function s3StoreOptions(server: S3Server, prefix: string, extra: Partial<S3BlobStoreOptions> = {}): S3BlobStoreOptions {
  return {
    bucket: server.bucket,
    endpoint: server.endpoint,
    region: 'us-east-1',
    access_key_id: server.accessKeyId,
    secret_access_key: server.secretAccessKey,
    force_path_style: true,
    prefix,
    ...extra,
  };
}

/**
 * The blob store a server configured with `s3StorageYaml(server)` uses, opened by the test itself
 * to look into the bucket (a root test has no other way in). Close it after.
 */
export function s3BlobStore(server: S3Server, prefix = ''): S3BlobStore {
  return new S3BlobStore(s3StoreOptions(server, prefix));
}
