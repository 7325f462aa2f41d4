/**
 * Every environment variable the loader itself reads (besides the `${VAR}` references a
 * config file chooses to make). Deployment manifests are checked against this list so a
 * misspelt variable does not go unnoticed.
 */
export const KNOWN_ENV_VARS: readonly string[] = Object.freeze([
  'ADMIN_TOKEN',
  // metadata → postgres
  'DATABASE_URL',
  'DBHOST',
  'DBPORT',
  'DBUSER',
  'DBPASS',
  'DBNAME',
  // coordination → redis
  'REDIS_URL',
  // storage → s3
  'S3_BUCKET',
  'S3_ENDPOINT',
  'S3_REGION',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'S3_FORCE_PATH_STYLE',
  'MINIO_ENDPOINT',
  'MINIO_ACCESS_KEY',
  'MINIO_SECRET_KEY',
  'MINIO_BUCKET',
  'MINIO_SECURE',
  'MINIO_REGION',
  // upstream.proxy / upstream.no_proxy fallbacks, both spellings as curl and others accept
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'NO_PROXY',
  'no_proxy',
]);
