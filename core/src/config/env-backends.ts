import { resolve } from 'node:path';
import { formatValue, type ConfigIssue } from './config-error.js';
import type { FileConfig } from './file-config.js';
import { redactString } from './redact.js';
import type { CoordinationConfig, DiskCacheConfig, MetadataConfig, StorageConfig } from './types.js';

type S3Config = Extract<StorageConfig, { kind: 's3' }>;

const DEFAULT_REGION = 'us-east-1';

/** The environment, with empty values treated as unset (compose files often pass `VAR=`). */
function reader(env: NodeJS.ProcessEnv): (name: string) => string | undefined {
  return (name) => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
}

function parseBoolean(name: string, value: string, issues: ConfigIssue[]): boolean {
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  issues.push({ path: name, message: `${name} must be true or false, got ${formatValue(value)}` });
  return false;
}

function requireScheme(name: string, value: string, scheme: RegExp, what: string, issues: ConfigIssue[]): boolean {
  if (scheme.test(value)) return true;
  issues.push({ path: name, message: `${name} must be ${what}, got ${formatValue(redactString(value))}` });
  return false;
}

/**
 * Blob storage: the file's `storage:` (default fs in the data directory), switched to S3 by
 * S3_BUCKET or the MinIO variables, with each S3_* variable overriding its key.
 */
export function resolveStorage(file: FileConfig, env: NodeJS.ProcessEnv, dataDir: string, issues: ConfigIssue[]): StorageConfig {
  const storage = resolveStorageBackend(file, env, dataDir, issues);
  if (storage.kind !== 's3') return storage;
  // Only S3 can hand a client a URL of its own, and only S3 needs a local tier: on fs both keys change nothing.
  const diskCache = resolveDiskCache(file, dataDir);
  return {
    ...storage,
    ...(file.storage?.redirect === true ? { redirect_seconds: file.storage.redirect_ttl ?? DEFAULT_REDIRECT_SECONDS } : {}),
    ...(diskCache ? { disk_cache: diskCache } : {}),
  };
}

/** How long a presigned blob URL stays valid unless `storage.redirect_ttl` says otherwise. */
const DEFAULT_REDIRECT_SECONDS = 300;

/**
 * On by default: hits above memory_cache's object limit would otherwise cost an S3 GET each (0.15x
 * embedded at 64 MiB, issue 15), and the data directory is already local and writable (spool,
 * uploads). 10 GiB keeps the hot large artifacts of a typical build farm without crowding the disk,
 * and a disk that fills anyway only costs fills, never a response.
 */
export const DEFAULT_DISK_CACHE_BYTES = 10 * 1024 ** 3;

function resolveDiskCache(file: FileConfig, dataDir: string): DiskCacheConfig | undefined {
  const written = file.storage?.disk_cache;
  const maxBytes = written?.max_bytes ?? DEFAULT_DISK_CACHE_BYTES;
  if (maxBytes === 0) return undefined;
  return { path: resolve(dataDir, written?.path ?? 'disk-cache'), max_bytes: maxBytes };
}

function resolveStorageBackend(file: FileConfig, env: NodeJS.ProcessEnv, dataDir: string, issues: ConfigIssue[]): StorageConfig {
  const get = reader(env);
  const fromFile = file.storage;
  let s3: S3Config | undefined =
    fromFile?.type === 's3'
      ? {
          kind: 's3',
          bucket: fromFile.bucket ?? '',
          ...(fromFile.endpoint ? { endpoint: fromFile.endpoint } : {}),
          region: fromFile.region || DEFAULT_REGION,
          ...(fromFile.access_key_id ? { access_key_id: fromFile.access_key_id } : {}),
          ...(fromFile.secret_access_key ? { secret_access_key: fromFile.secret_access_key } : {}),
          force_path_style: fromFile.force_path_style ?? false,
          prefix: fromFile.prefix ?? '',
        }
      : undefined;

  const s3Bucket = get('S3_BUCKET');
  const minioEndpoint = get('MINIO_ENDPOINT');
  const minioBucket = get('MINIO_BUCKET');

  if (s3Bucket !== undefined) {
    s3 = { ...(s3 ?? { kind: 's3', region: DEFAULT_REGION, force_path_style: false, prefix: '' }), bucket: s3Bucket };
  } else if (minioEndpoint !== undefined || minioBucket !== undefined) {
    // the seed deployments' MinIO variables; MinIO serves buckets by path only
    const secure = parseBoolean('MINIO_SECURE', get('MINIO_SECURE') ?? 'false', issues);
    const bucket = minioBucket ?? s3?.bucket;
    if (bucket === undefined || bucket === '') {
      issues.push({ path: 'MINIO_BUCKET', message: 'MINIO_BUCKET is required when MINIO_ENDPOINT is set' });
    }
    const endpoint =
      minioEndpoint === undefined
        ? s3?.endpoint
        : /^[a-z][a-z0-9+.-]*:\/\//i.test(minioEndpoint)
          ? minioEndpoint
          : `${secure ? 'https' : 'http'}://${minioEndpoint}`;
    const accessKey = get('MINIO_ACCESS_KEY') ?? s3?.access_key_id;
    const secretKey = get('MINIO_SECRET_KEY') ?? s3?.secret_access_key;
    return {
      kind: 's3',
      bucket: bucket ?? '',
      ...(endpoint === undefined ? {} : { endpoint }),
      region: get('MINIO_REGION') ?? s3?.region ?? DEFAULT_REGION,
      ...(accessKey === undefined ? {} : { access_key_id: accessKey }),
      ...(secretKey === undefined ? {} : { secret_access_key: secretKey }),
      force_path_style: true,
      prefix: s3?.prefix ?? '',
    };
  }

  if (s3 === undefined) return { kind: 'fs', path: resolve(dataDir, fromFile?.path ?? '.') };

  const endpoint = get('S3_ENDPOINT');
  if (endpoint !== undefined && requireScheme('S3_ENDPOINT', endpoint, /^https?:\/\/./i, 'an http(s) URL', issues)) {
    s3.endpoint = endpoint;
  }
  s3.region = get('S3_REGION') ?? s3.region;
  s3.access_key_id = get('S3_ACCESS_KEY_ID') ?? s3.access_key_id;
  s3.secret_access_key = get('S3_SECRET_ACCESS_KEY') ?? s3.secret_access_key;
  const pathStyle = get('S3_FORCE_PATH_STYLE');
  if (pathStyle !== undefined) s3.force_path_style = parseBoolean('S3_FORCE_PATH_STYLE', pathStyle, issues);
  if (s3.access_key_id === undefined) delete s3.access_key_id;
  if (s3.secret_access_key === undefined) delete s3.secret_access_key;
  return s3;
}

/** Metadata: DATABASE_URL, else DBHOST and friends, else the file's `metadata:`, else sqlite. */
export function resolveMetadata(file: FileConfig, env: NodeJS.ProcessEnv, dataDir: string, issues: ConfigIssue[]): MetadataConfig {
  const get = reader(env);
  const url = get('DATABASE_URL');
  if (url !== undefined) {
    requireScheme('DATABASE_URL', url, /^postgres(ql)?:\/\//i, 'a postgres:// URL', issues);
    return { kind: 'postgres', url };
  }
  const host = get('DBHOST');
  if (host !== undefined) {
    const port = get('DBPORT');
    if (port !== undefined && !/^\d{1,5}$/.test(port)) {
      issues.push({ path: 'DBPORT', message: `DBPORT must be a port number, got ${formatValue(port)}` });
    }
    const user = get('DBUSER');
    const pass = get('DBPASS');
    const auth = user === undefined ? '' : `${encodeURIComponent(user)}${pass === undefined ? '' : `:${encodeURIComponent(pass)}`}@`;
    const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host; // bare IPv6
    const name = get('DBNAME');
    return {
      kind: 'postgres',
      url: `postgres://${auth}${hostPart}${port === undefined ? '' : `:${port}`}/${name === undefined ? '' : encodeURIComponent(name)}`,
    };
  }
  if (file.metadata?.type === 'postgres') return { kind: 'postgres', url: file.metadata.url ?? '' };
  return { kind: 'sqlite', path: resolve(dataDir, file.metadata?.path ?? 'metadata.db') };
}

/** Coordination: REDIS_URL, else the file's `coordination:`, else in-process. */
export function resolveCoordination(file: FileConfig, env: NodeJS.ProcessEnv, issues: ConfigIssue[]): CoordinationConfig {
  const url = reader(env)('REDIS_URL');
  const prefix = file.coordination?.key_prefix;
  const keyPrefix = prefix === undefined ? {} : { key_prefix: prefix };
  if (url !== undefined) {
    requireScheme('REDIS_URL', url, /^rediss?:\/\//i, 'a redis:// or rediss:// URL', issues);
    return { kind: 'redis', url, ...keyPrefix };
  }
  if (file.coordination?.type === 'redis') return { kind: 'redis', url: file.coordination.url ?? '', ...keyPrefix };
  return { kind: 'memory' };
}
