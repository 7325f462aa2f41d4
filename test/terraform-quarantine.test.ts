import test from 'ava';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { FixtureRegistry, terraformRemoteYaml } from './terraform-registry.js';

test('with quarantine_days, a release the proxy first saw today is refused with 451 (archive and mirror); nothing is stored', async (t) => {
  const fixture = await FixtureRegistry.start();
  t.teardown(() => fixture.close());
  const [release] = await fixture.publish([{ namespace: 'acme', type: 'fresh', version: '1.0.0', platforms: [{ os: 'linux', arch: 'amd64' }] }]);
  const config = await writeConfig(
    await tempDir(t),
    `
remotes:
${terraformRemoteYaml(fixture, ['quarantine_days: 3'])}`,
  );
  const proc = await startServe(t, { config });
  const base = `${proc.url}/api/v1/remote/terraform`;
  const download = (await (await fetch(`${base}/v1/providers/acme/fresh/1.0.0/download/linux/amd64`)).json()) as { download_url: string };
  const zip = await fetch(download.download_url);
  t.is(zip.status, 451);
  t.regex(await zip.text(), /AAPI_ERR_QUARANTINED.*terraform-provider-fresh 1\.0\.0/);
  const mirrored = await fetch(`${base}/mirror/registry.terraform.io/acme/fresh/1.0.0.json`);
  t.is(mirrored.status, 451);
  t.is(fixture.files.hits(`${release!.dir}/terraform-provider-fresh_1.0.0_linux_amd64.zip`, 'GET'), 0, 'the archive was never fetched');
});
