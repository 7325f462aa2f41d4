import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { hashedGet } from '@artifactapi/core/testing/hashed-get';
import { sha256 } from '@artifactapi/core/testing/integrity-asserts';
import { startS3RequestLog } from '@artifactapi/core/testing/s3-request-log';
import { s3StorageYaml } from '@artifactapi/core/testing/s3rver';
import { postgresProbe, redisProbe, serialIfAll, serviceGate } from '@artifactapi/core/testing/services';
import { startServe } from './helpers/serve-process.js';
import { POSTGRES_URL, REDIS_URL, sharedBackends } from './helpers/shared-backends.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';

// A distributed replica (S3 + PostgreSQL + Redis) with the default disk tier, S3 reached through
// a relay that logs every request, so the test counts what really went to S3.
const test = serialIfAll([
  await serviceGate(`PostgreSQL at ${new URL(POSTGRES_URL).host}`, postgresProbe(POSTGRES_URL)),
  await serviceGate(`Redis at ${new URL(REDIS_URL).host}`, redisProbe(REDIS_URL)),
]);

const MiB = 1024 * 1024;

test('distributed: an 8 MiB hit is served from the replica\'s disk tier, without an S3 request; so is a restart\'s first hit', async (t) => {
  const body = randomBytes(8 * MiB);
  const digest = sha256(body);
  const upstream = await startUpstream({ files: { '/big.bin': body } });
  t.teardown(() => upstream.close());
  const backends = await sharedBackends(t);
  const s3Log = await startS3RequestLog(backends.s3);
  t.teardown(() => s3Log.close());
  const repo = `dt${randomBytes(4).toString('hex')}`;
  const config = await writeConfig(
    await tempDir(t),
    `${s3StorageYaml({ ...backends.s3, endpoint: s3Log.endpoint })}metadata: { type: postgres, url: '${backends.databaseUrl}' }
coordination: { type: redis, url: '${backends.redisUrl}' }
remotes:
  ${repo}:
    type: remote
    package: generic
    base_url: ${upstream.url}
`,
  );
  const dataDir = await tempDir(t, 'aapi-data-');
  const url = (replica: { url: string }) => `${replica.url}/api/v1/remote/${repo}/big.bin`;
  let replica = await startServe(t, { config, dataDir });

  const miss = await hashedGet(url(replica));
  t.like(miss, { status: 200, complete: true, sha256: digest, headers: { 'x-artifact-cache': 'MISS' } });
  t.true((await stat(join(dataDir, 'disk-cache', 'sha256', digest.slice(0, 2), digest))).isFile(), 'the download left a local copy');
  t.true(s3Log.count('PUT') > 0, 'the blob went to S3');

  s3Log.reset();
  const hit = await hashedGet(url(replica));
  t.like(hit, { status: 200, complete: true, sha256: digest, headers: { 'x-artifact-cache': 'HIT' } });
  t.deepEqual(s3Log.requests, [], 'the hit sent nothing to S3');
  const metrics = await (await fetch(`${replica.url}/metrics`)).text();
  t.regex(metrics, /^artifactapi_disk_cache_hits_total 1$/m);
  t.regex(metrics, new RegExp(`^artifactapi_disk_cache_bytes ${8 * MiB}$`, 'm'));

  await replica.stop();
  replica = await startServe(t, { config, dataDir });
  s3Log.reset();
  t.like(await hashedGet(url(replica)), { status: 200, complete: true, sha256: digest, headers: { 'x-artifact-cache': 'HIT' } });
  t.is(s3Log.count('GET', `/${digest}`), 0, 'the copy survived the restart');
  t.is(s3Log.count('HEAD', `/${digest}`), 0);
  t.is(upstream.hits('/big.bin', 'GET'), 1);
});
