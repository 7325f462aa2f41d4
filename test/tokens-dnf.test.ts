import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { apiClient } from './api-client.js';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { dnfInstall, dnfRoot, rpmToolsAvailable } from './rpm-dnf.js';
import { builtPackages } from './rpm-fixture.js';
import { REPO_ROOT, TINYAPP, TINYDEP, createRepo, publish, rpmConfig } from './rpm-repo.js';

// dnf sends the `username` / `password` of its .repo file as Basic credentials: a named token as
// the password reads an rpm repository that sets `auth: { read: token }`.

const rpmTest = rpmToolsAvailable() ? test.serial : test.skip;

rpmTest('dnf installs from a repository that needs a read token with the token as its password; without it dnf fails with 401', async (t) => {
  const built = await builtPackages();
  const upstream = await startUpstream();
  t.teardown(() => upstream.close());
  publish(upstream, await createRepo([{ spec: TINYAPP, bytes: built.get('tinyapp')! }, { spec: TINYDEP, bytes: built.get('tinydep')! }]));
  const config = `${rpmConfig(upstream.url, 'auth: { read: token }')}log: { level: info }\n`;
  const proxy = await startServe(t, { config: await writeConfig(await tempDir(t), config) });
  const created = await apiClient(proxy.url, 'rpm-test-token').call('POST', '/api/v2/tokens', { name: 'dnf', scopes: [{ access: 'read', repositories: ['alma'] }] });
  t.is(created.status, 201);
  const secret = created.body['token'] as string;
  const baseurl = `${proxy.url}/api/v1/remote/alma/${REPO_ROOT}`;

  const anonymous = await dnfRoot(await tempDir(t, 'aapi-dnf-'), baseurl);
  await t.throwsAsync(dnfInstall(anonymous, ['tinyapp']), { message: /401/ });

  const root = await dnfRoot(await tempDir(t, 'aapi-dnf-'), baseurl, `username=dnf\npassword=${secret}\n`);
  t.regex(await dnfInstall(root, ['tinyapp']), /Installed:[\s\S]*tinyapp-1\.0-1\.noarch[\s\S]*tinydep-2\.0-1\.noarch/);
  t.is((await readFile(join(root.installroot, 'usr/share/tinyapp/version.txt'), 'utf8')).trim(), 'tinyapp-1.0');
  t.true(proxy.logLines().some((line) => line['msg'] === 'request'), 'the request log was read');
  t.false(proxy.stdout().includes(secret));
  t.false(proxy.stderr().includes(secret));
});
