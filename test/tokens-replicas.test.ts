import { createHash, randomBytes } from 'node:crypto';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { postgresProbe, redisProbe, serialIfAll, serviceGate } from '@artifactapi/core/testing/services';
import { apiClient, within } from './api-client.js';
import { startServe } from './helpers/serve-process.js';
import { POSTGRES_URL, REDIS_URL, sharedBackends } from './helpers/shared-backends.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';

// Named tokens across two replicas on one PostgreSQL database, one Redis and one s3rver bucket:
// a token created on A works on B, and revoking it on A is refused on B within a second (the
// revocation is announced over Redis; B's cache would otherwise trust it for ten seconds).
const test = serialIfAll([
  await serviceGate(`PostgreSQL at ${new URL(POSTGRES_URL).host}`, postgresProbe(POSTGRES_URL)),
  await serviceGate(`Redis at ${new URL(REDIS_URL).host}`, redisProbe(REDIS_URL)),
]);

const ADMIN = 'replicas-admin-token';
const tag = randomBytes(3).toString('hex');

test('create on A, use on B, revoke on A: refused on B within 1 s; the database holds the sha256 only; no replica writes the secret', async (t) => {
  const upstream = await startUpstream({ files: { '/doc.txt': 'protected' } });
  t.teardown(() => upstream.close());
  const backends = await sharedBackends(t);
  const config = await writeConfig(
    await tempDir(t),
    `${backends.yaml}
auth: { admin_token: ${ADMIN} }
log: { level: info }
remotes:
  private${tag}: { type: remote, package: generic, base_url: ${upstream.url}, auth: { read: token } }
  files${tag}: { type: local, package: generic }
`,
  );
  const [a, b] = await Promise.all([startServe(t, { config }), startServe(t, { config })]);
  const apiA = apiClient(a.url, ADMIN);
  const read = (base: string, auth?: string) =>
    fetch(`${base}/api/v1/remote/private${tag}/doc.txt`, auth === undefined ? {} : { headers: { authorization: auth } });
  const upload = (base: string, auth: string, path: string) =>
    fetch(`${base}/api/v1/remote/files${tag}/${path}`, { method: 'PUT', body: 'bytes', headers: { authorization: auth } });

  const created = await apiA.call('POST', '/api/v2/tokens', {
    name: 'deploy',
    scopes: [
      { access: 'read', repositories: [`private${tag}`] },
      { access: 'write', repositories: [`files${tag}`] },
    ],
  });
  t.is(created.status, 201);
  const secret = created.body['token'] as string;
  const bearer = `Bearer ${secret}`;

  const onB = await read(b.url, bearer);
  t.is(onB.status, 200);
  t.is(await onB.text(), 'protected');
  t.is((await upload(b.url, bearer, 'one.txt')).status, 201);
  t.is((await read(b.url)).status, 401);

  const rows = await backends.query<{ hash: string; name: string }>('SELECT * FROM tokens');
  t.deepEqual(rows.map((r) => [r.name, r.hash]), [['deploy', createHash('sha256').update(secret).digest('hex')]]);
  t.false(JSON.stringify(rows).includes(secret));

  t.is((await apiA.call('DELETE', `/api/v2/tokens/${created.body['id']}`)).status, 204);
  const tookMs = await within(1_000, async () => (await read(b.url, bearer)).status === 403);
  t.log(`refused on B ${tookMs} ms after the DELETE on A answered`);
  const refused = await upload(b.url, bearer, 'two.txt');
  t.is(refused.status, 403);
  t.is(((await refused.json()) as { error: { code: string } }).error.code, 'AAPI_ERR_AUTH_FORBIDDEN');
  t.is((await fetch(`${b.url}/api/v1/remote/files${tag}/two.txt`)).status, 404);

  const shown = await (await fetch(`${b.url}/config`)).text();
  t.false(shown.includes(secret));
  t.true(b.logLines().some((line) => line['msg'] === 'request'), 'the request log was read');
  for (const replica of [a, b]) {
    t.false(replica.stdout().includes(secret));
    t.false(replica.stderr().includes(secret));
  }
});
