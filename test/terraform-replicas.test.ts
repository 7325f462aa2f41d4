import { postgresProbe, redisProbe, serialIfAll, serviceGate } from '@artifactapi/core/testing/services';
import { startServe } from './helpers/serve-process.js';
import { POSTGRES_URL, REDIS_URL, sharedBackends } from './helpers/shared-backends.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { providerZip, verifySignature, walkProvider } from './terraform-registry.js';

// Two replicas sharing PostgreSQL, Redis and an S3 bucket: the local registry's signing key is
// generated once, whichever replica signs first, and both serve the same signature bytes.
const test = serialIfAll([
  await serviceGate(`PostgreSQL at ${new URL(POSTGRES_URL).host}`, postgresProbe(POSTGRES_URL)),
  await serviceGate(`Redis at ${new URL(REDIS_URL).host}`, redisProbe(REDIS_URL)),
]);

test('replicas that sign for the first time at once end up with one key and the same signature', async (t) => {
  const backends = await sharedBackends(t);
  const token = 'tf-replica-token';
  const config = await writeConfig(
    await tempDir(t),
    `${backends.yaml}
auth: { admin_token: ${token} }
remotes:
  terraform-local:
    type: local
    package: terraform
`,
  );
  const [a, b] = await Promise.all([startServe(t, { config }), startServe(t, { config })]);
  const name = 'terraform-provider-widget_1.0.0_linux_amd64.zip';
  const put = await fetch(`${a.url}/api/v1/remote/terraform-local/acme/widget/${name}`, {
    method: 'PUT',
    body: providerZip('widget', '1.0.0', 'linux', 'amd64'),
    headers: { authorization: `Bearer ${token}` },
  });
  t.is(put.status, 201);
  const provider = { namespace: 'acme', type: 'widget', version: '1.0.0', os: 'linux', arch: 'amd64' };
  // Both replicas need a key at the same moment: each generates one, one of them is kept.
  const [fromA, fromB] = await Promise.all([walkProvider(a.url, provider), walkProvider(b.url, provider)]);
  t.is(fromA.armoredKey, fromB.armoredKey, 'one key for both replicas');
  t.true(Buffer.from(fromA.sig).equals(Buffer.from(fromB.sig)), 'the same signature bytes');
  await verifySignature(fromB.armoredKey, fromB.sums, fromB.sig);
});
