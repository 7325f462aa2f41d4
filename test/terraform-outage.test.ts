import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { FixtureRegistry, walkProvider, terraformRemoteYaml } from './terraform-registry.js';

test('with the origin registry and its releases host gone, what was fetched still installs: registry walk and network mirror (versions served stale)', async (t) => {
  const fixture = await FixtureRegistry.start();
  t.teardown(() => fixture.close());
  const [release] = await fixture.publish([{ namespace: 'acme', type: 'widget', version: '0.4.0', platforms: [{ os: 'linux', arch: 'amd64' }] }]);
  const config = await writeConfig(
    await tempDir(t),
    `
remotes:
${terraformRemoteYaml(fixture, ['cache: { mutable_ttl: 1 }'])}`,
  );
  const proc = await startServe(t, { config });
  const base = `${proc.url}/api/v1/remote/terraform`;
  const provider = { namespace: 'acme', type: 'widget', version: '0.4.0', os: 'linux', arch: 'amd64' };
  const mirrorUrl = `${base}/mirror/registry.terraform.io/acme/widget/0.4.0.json`;
  await walkProvider(proc.url, provider, `${base}/.well-known/terraform.json`);
  const warm = await fetch(mirrorUrl);
  t.is(warm.status, 200);
  const mirrored = await warm.json();

  await fixture.close();
  await sleep(1500); // past mutable_ttl: the versions document must be revalidated, and cannot be
  const versions = await fetch(`${base}/v1/providers/acme/widget/versions`);
  t.is(versions.status, 200);
  t.is(versions.headers.get('x-artifact-cache'), 'STALE');
  const walk = await walkProvider(proc.url, provider, `${base}/.well-known/terraform.json`);
  t.true(Buffer.from(walk.zip).equals(Buffer.from(release!.zips.get('terraform-provider-widget_0.4.0_linux_amd64.zip')!)));
  const offline = await fetch(mirrorUrl);
  t.is(offline.status, 200);
  t.deepEqual(await offline.json(), mirrored);
  t.is((await fetch(`${base}/mirror/registry.terraform.io/acme/widget/index.json`)).status, 200);
});
