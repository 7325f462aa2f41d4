import { S3Client } from '@aws-sdk/client-s3';
import { AapiError } from '../errors.js';

/** Connection settings of an S3 bucket: the normalised `storage:` s3 config, without `kind`. */
export interface S3ConnectionOptions {
  bucket: string;
  /** `http(s)://host:port` of MinIO, Ceph RGW, s3rver…; AWS's regional endpoint when unset. */
  endpoint?: string;
  region: string;
  /** With `secret_access_key`; both unset means the SDK's default chain (env, profile, IMDS, …). */
  access_key_id?: string;
  secret_access_key?: string;
  /** `http://host/bucket/key` instead of `http://bucket.host/key`; most non-AWS servers need it. */
  force_path_style: boolean;
  /** Key prefix inside the bucket, e.g. `artifactapi/`. */
  prefix: string;
}

/** Fails fast on a dead endpoint instead of waiting for the OS's connect timeout. */
const CONNECT_TIMEOUT_MS = 5_000;

/** Checks `options` up front, naming the offending key as the config file spells it. */
export function validateS3Options(options: S3ConnectionOptions): void {
  const fail = (key: string, expected: string, got: unknown): never => {
    throw new AapiError('AAPI_ERR_CONFIG_INVALID', `storage.${key} must be ${expected}, got ${JSON.stringify(got)}`);
  };
  if (typeof options?.bucket !== 'string' || options.bucket === '') fail('bucket', 'a non-empty string', options?.bucket);
  if (typeof options.region !== 'string' || options.region === '') fail('region', 'a non-empty string', options.region);
  if (options.endpoint !== undefined && !/^https?:\/\/./i.test(options.endpoint)) {
    fail('endpoint', 'an http(s) URL', options.endpoint);
  }
  if ((options.access_key_id === undefined) !== (options.secret_access_key === undefined)) {
    const missing = options.access_key_id === undefined ? 'access_key_id' : 'secret_access_key';
    fail(missing, 'set together with its pair', undefined);
  }
  if (typeof options.prefix !== 'string') fail('prefix', 'a string', options.prefix);
}

/**
 * Makes the SDK client. Checksums are computed and checked only where S3 requires them: recent
 * SDKs otherwise add CRC32 `x-amz-checksum-*` headers and `aws-chunked` bodies to every upload,
 * which s3rver, older MinIO and Ceph RGW refuse. Bodies stay signed by SigV4 either way.
 */
export function createS3Client(options: S3ConnectionOptions): S3Client {
  return new S3Client({
    region: options.region,
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.force_path_style,
    ...(options.access_key_id !== undefined && options.secret_access_key !== undefined
      ? { credentials: { accessKeyId: options.access_key_id, secretAccessKey: options.secret_access_key } }
      : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // No socket idle timeout: a read stream may legitimately wait on a slow client for long.
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS },
  });
}

/** Normalises a key prefix: no leading slash, one trailing slash unless empty. */
export function normalisePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed === '' ? '' : `${trimmed}/`;
}
