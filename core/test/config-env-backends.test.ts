import test from 'ava';
import { ConfigError, KNOWN_ENV_VARS, parseConfig } from '../src/config/index.js';

const used = new Set<string>();
/** Parses with an environment, remembering which variables the tests rely on. */
/** The disk tier every s3 storage gets unless `storage.disk_cache` says otherwise. */
const DEFAULT_DISK_CACHE = { path: '/d/disk-cache', max_bytes: 10 * 1024 ** 3 };

function withEnv(env: Record<string, string>, text = ''): ReturnType<typeof parseConfig> {
  for (const name of Object.keys(env)) used.add(name);
  return parseConfig(text, { env, dataDir: '/d' });
}

test('with no environment every backend is embedded', (t) => {
  const config = withEnv({});
  t.deepEqual(config.storage, { kind: 'fs', path: '/d' });
  t.deepEqual(config.metadata, { kind: 'sqlite', path: '/d/metadata.db' });
  t.deepEqual(config.coordination, { kind: 'memory' });
});

test('DATABASE_URL switches metadata to postgres and nothing else', (t) => {
  const config = withEnv({ DATABASE_URL: 'postgres://u:p@db:5432/aapi' });
  t.deepEqual(config.metadata, { kind: 'postgres', url: 'postgres://u:p@db:5432/aapi' });
  t.is(config.storage.kind, 'fs');
  t.is(config.coordination.kind, 'memory');
});

test('DATABASE_URL overrides metadata in the file', (t) => {
  const config = withEnv({ DATABASE_URL: 'postgresql://h/x' }, 'metadata: { type: sqlite, path: m.db }\n');
  t.deepEqual(config.metadata, { kind: 'postgres', url: 'postgresql://h/x' });
});

test('a DATABASE_URL that is not postgres is an error naming the variable', (t) => {
  const err = t.throws(() => withEnv({ DATABASE_URL: 'mysql://u:pw@h/db' }), { instanceOf: ConfigError });
  t.deepEqual(err!.issues, [{ path: 'DATABASE_URL', message: 'DATABASE_URL must be a postgres:// URL, got "mysql://u:***@h/db"' }]);
});

test('the seed DBHOST variables build a postgres URL with escaped credentials', (t) => {
  const config = withEnv({ DBHOST: 'pg', DBPORT: '6432', DBUSER: 'art', DBPASS: 'p@ss/word', DBNAME: 'artifacts' });
  t.deepEqual(config.metadata, { kind: 'postgres', url: 'postgres://art:p%40ss%2Fword@pg:6432/artifacts' });
  const url = new URL((config.metadata as { url: string }).url);
  t.is(decodeURIComponent(url.password), 'p@ss/word');
});

test('DBHOST alone is enough; DATABASE_URL wins over it', (t) => {
  t.deepEqual(withEnv({ DBHOST: 'pg' }).metadata, { kind: 'postgres', url: 'postgres://pg/' });
  t.deepEqual(withEnv({ DBHOST: 'pg', DATABASE_URL: 'postgres://other/db' }).metadata, {
    kind: 'postgres',
    url: 'postgres://other/db',
  });
});

test('a DBPORT that is not a number is an error naming it', (t) => {
  const err = t.throws(() => withEnv({ DBHOST: 'pg', DBPORT: 'five' }), { instanceOf: ConfigError });
  t.is(err!.issues[0]!.path, 'DBPORT');
});

test('REDIS_URL switches coordination to redis', (t) => {
  t.deepEqual(withEnv({ REDIS_URL: 'redis://cache:6379/1' }).coordination, { kind: 'redis', url: 'redis://cache:6379/1' });
  const err = t.throws(() => withEnv({ REDIS_URL: 'cache:6379' }), { instanceOf: ConfigError });
  t.is(err!.issues[0]!.path, 'REDIS_URL');
});

test('coordination and metadata from the file are used when no variable is set', (t) => {
  const config = withEnv({}, 'coordination: { type: redis, url: "rediss://r:6380" }\nmetadata: { type: postgres, url: "postgres://p/db" }\n');
  t.deepEqual(config.coordination, { kind: 'redis', url: 'rediss://r:6380' });
  t.deepEqual(config.metadata, { kind: 'postgres', url: 'postgres://p/db' });
});

test("coordination.key_prefix is kept for Redis, from the file or beside REDIS_URL, and refused when it could not be one Redis key's start", (t) => {
  const file = 'coordination: { type: redis, url: "redis://r:6379", key_prefix: "team-a:" }\n';
  t.deepEqual(withEnv({}, file).coordination, { kind: 'redis', url: 'redis://r:6379', key_prefix: 'team-a:' });
  t.deepEqual(withEnv({ REDIS_URL: 'redis://other:6379' }, file).coordination, { kind: 'redis', url: 'redis://other:6379', key_prefix: 'team-a:' });
  for (const bad of ['""', '"a b"', '"a*"', `"${'x'.repeat(65)}"`]) {
    const err = t.throws(() => withEnv({}, `coordination: { type: redis, url: "redis://r:6379", key_prefix: ${bad} }\n`), { instanceOf: ConfigError });
    t.is(err!.issues[0]!.path, 'coordination.key_prefix', bad);
  }
  const memory = t.throws(() => withEnv({}, 'coordination: { type: memory, key_prefix: "a:" }\n'), { instanceOf: ConfigError });
  t.regex(memory!.issues[0]!.path, /^coordination/);
});

test('S3_BUCKET and the S3_* variables switch storage to s3', (t) => {
  const config = withEnv({
    S3_BUCKET: 'blobs',
    S3_ENDPOINT: 'https://s3.example:9000',
    S3_REGION: 'eu-west-1',
    S3_ACCESS_KEY_ID: 'AKID',
    S3_SECRET_ACCESS_KEY: 'SECRET',
    S3_FORCE_PATH_STYLE: 'true',
  });
  t.deepEqual(config.storage, {
    kind: 's3',
    bucket: 'blobs',
    endpoint: 'https://s3.example:9000',
    region: 'eu-west-1',
    access_key_id: 'AKID',
    secret_access_key: 'SECRET',
    force_path_style: true,
    prefix: '',
    disk_cache: DEFAULT_DISK_CACHE,
  });
  t.is(config.metadata.kind, 'sqlite');
});

test('S3_BUCKET alone gives AWS defaults', (t) => {
  t.deepEqual(withEnv({ S3_BUCKET: 'b' }).storage, {
    kind: 's3',
    bucket: 'b',
    region: 'us-east-1',
    force_path_style: false,
    prefix: '',
    disk_cache: DEFAULT_DISK_CACHE,
  });
});

test('S3_* variables override single keys of an s3 storage in the file', (t) => {
  const config = withEnv(
    { S3_SECRET_ACCESS_KEY: 'from-env', S3_FORCE_PATH_STYLE: '0' },
    'storage: { type: s3, bucket: fb, region: r1, access_key_id: k, secret_access_key: from-file, force_path_style: true, prefix: p/ }\n',
  );
  t.deepEqual(config.storage, {
    kind: 's3',
    bucket: 'fb',
    region: 'r1',
    access_key_id: 'k',
    secret_access_key: 'from-env',
    force_path_style: false,
    prefix: 'p/',
    disk_cache: DEFAULT_DISK_CACHE,
  });
});

test('an S3_FORCE_PATH_STYLE that is not a boolean is an error naming it', (t) => {
  const err = t.throws(() => withEnv({ S3_BUCKET: 'b', S3_FORCE_PATH_STYLE: 'maybe' }), { instanceOf: ConfigError });
  t.is(err!.issues[0]!.path, 'S3_FORCE_PATH_STYLE');
});

test('the seed MinIO variables switch storage to s3 with path-style URLs', (t) => {
  const config = withEnv({
    MINIO_ENDPOINT: 'minio:9000',
    MINIO_ACCESS_KEY: 'mk',
    MINIO_SECRET_KEY: 'ms',
    MINIO_BUCKET: 'artifacts',
    MINIO_SECURE: 'false',
    MINIO_REGION: 'eu-1',
  });
  t.deepEqual(config.storage, {
    kind: 's3',
    bucket: 'artifacts',
    endpoint: 'http://minio:9000',
    region: 'eu-1',
    access_key_id: 'mk',
    secret_access_key: 'ms',
    force_path_style: true,
    prefix: '',
    disk_cache: DEFAULT_DISK_CACHE,
  });
});

test('MINIO_SECURE picks https for an endpoint without scheme; a scheme is kept', (t) => {
  const secure = withEnv({ MINIO_ENDPOINT: 'minio:9000', MINIO_BUCKET: 'b', MINIO_SECURE: 'true' }).storage;
  t.is((secure as { endpoint: string }).endpoint, 'https://minio:9000');
  const given = withEnv({ MINIO_ENDPOINT: 'http://m:9000', MINIO_BUCKET: 'b', MINIO_SECURE: 'true' }).storage;
  t.is((given as { endpoint: string }).endpoint, 'http://m:9000');
});

test('MINIO_ENDPOINT without a bucket is an error naming MINIO_BUCKET', (t) => {
  const err = t.throws(() => withEnv({ MINIO_ENDPOINT: 'minio:9000' }), { instanceOf: ConfigError });
  t.is(err!.issues[0]!.path, 'MINIO_BUCKET');
});

test('each part switches independently', (t) => {
  const config = withEnv({ REDIS_URL: 'redis://r', S3_BUCKET: 'b' });
  t.is(config.storage.kind, 's3');
  t.is(config.coordination.kind, 'redis');
  t.is(config.metadata.kind, 'sqlite');
});

test('empty variables count as unset', (t) => {
  const config = withEnv({ DATABASE_URL: '', REDIS_URL: '', S3_BUCKET: '', MINIO_ENDPOINT: '' });
  t.is(config.metadata.kind, 'sqlite');
  t.is(config.coordination.kind, 'memory');
  t.is(config.storage.kind, 'fs');
});

test('ADMIN_TOKEN is the fallback for auth.admin_token, not an override', (t) => {
  t.is(withEnv({ ADMIN_TOKEN: 'env-token' }).auth.admin_token, 'env-token');
  t.is(withEnv({ ADMIN_TOKEN: 'env-token' }, 'auth: { admin_token: file-token }\n').auth.admin_token, 'file-token');
  t.is(withEnv({ ADMIN_TOKEN: 'env-token' }, 'auth: { admin_token: "" }\n').auth.admin_token, 'env-token');
  t.false('admin_token' in withEnv({}, 'auth: { admin_token: "" }\n').auth);
});

test('HTTPS_PROXY and NO_PROXY fill upstream.proxy and upstream.no_proxy when unset', (t) => {
  const fromEnv = withEnv({ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'localhost' }).upstream;
  t.is(fromEnv.proxy, 'http://proxy:3128');
  t.is(fromEnv.no_proxy, 'localhost');
  const fromFile = withEnv({ HTTPS_PROXY: 'http://proxy:3128' }, 'upstream: { proxy: "http://mine:8080" }\n').upstream;
  t.is(fromFile.proxy, 'http://mine:8080');
});

test.after('every variable these tests set is listed in KNOWN_ENV_VARS', (t) => {
  t.true(used.size > 20);
  for (const name of used) t.true(KNOWN_ENV_VARS.includes(name), name);
});

test('storage.disk_cache: on by default for s3 under the data directory; path and max_bytes from the file; max_bytes 0 turns it off; fs has none', (t) => {
  t.deepEqual((withEnv({ S3_BUCKET: 'b' }).storage as { disk_cache?: unknown }).disk_cache, DEFAULT_DISK_CACHE);
  const set = withEnv({}, 'storage: { type: s3, bucket: b, disk_cache: { path: tier, max_bytes: 1048576 } }\n').storage;
  t.deepEqual((set as { disk_cache?: unknown }).disk_cache, { path: '/d/tier', max_bytes: 1048576 });
  const absolute = withEnv({ S3_BUCKET: 'b' }, 'storage: { disk_cache: { path: /var/cache/aapi } }\n').storage;
  t.deepEqual((absolute as { disk_cache?: unknown }).disk_cache, { path: '/var/cache/aapi', max_bytes: 10 * 1024 ** 3 });
  const off = withEnv({}, 'storage: { type: s3, bucket: b, disk_cache: { max_bytes: 0 } }\n').storage;
  t.false('disk_cache' in off);
  t.deepEqual(withEnv({}, 'storage: { disk_cache: { max_bytes: 5 } }\n').storage, { kind: 'fs', path: '/d' });
});

test('storage.disk_cache rejects a negative max_bytes and unknown keys, naming them', (t) => {
  const negative = t.throws(() => withEnv({}, 'storage: { type: s3, bucket: b, disk_cache: { max_bytes: -1 } }\n'), { instanceOf: ConfigError });
  t.regex(negative!.message, /storage\.disk_cache\.max_bytes/);
  const unknown = t.throws(() => withEnv({}, 'storage: { type: s3, bucket: b, disk_cache: { max_size: 5 } }\n'), { instanceOf: ConfigError });
  t.regex(unknown!.message, /storage\.disk_cache\.max_size/);
});
