import test from 'ava';
import { apiClient } from './api-client.js';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { buildReleases, fixtureReleases, forgeConfig, startForge } from './puppet-forge.js';

// Plugin routes read repositories too: the puppet plugin's Forge list routes under the core's
// `/api/v1/remote/{repo}/` are checked by the core before the plugin runs, and the terraform
// plugin's own `/terraform/{repo}/v1/providers/…` checks with RoutesContext.requireAccess.

const ADMIN = 'plugin-routes-admin';

test('auth.read on puppet and terraform repositories: 401 without a token, 403 with another repository\'s, a read token gets past the check', async (t) => {
  const forge = await startForge(t, await buildReleases(fixtureReleases()), { absolute: true });
  const config = `${forgeConfig(forge.upstream.url, 'auth: { read: token }').replace('puppet-test-token', ADMIN)}
  tf: { type: local, package: terraform, auth: { read: token } }
  files: { type: local, package: generic }
`;
  const proc = await startServe(t, { config: await writeConfig(await tempDir(t), config) });
  const api = apiClient(proc.url, ADMIN);
  const secret = async (repositories: string[]) =>
    (await api.call('POST', '/api/v2/tokens', { name: 'reader', scopes: [{ access: 'read', repositories }] })).body['token'] as string;
  const reader = await secret(['forge', 'tf']);
  const other = await secret(['files']);
  const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

  for (const url of [`${proc.url}/api/v1/remote/forge/v3/releases?module=acme-app`, `${proc.url}/terraform/tf/v1/providers/acme/widget/versions`]) {
    const anonymous = await fetch(url);
    t.is(anonymous.status, 401, url);
    t.is(anonymous.headers.get('www-authenticate'), 'Basic realm="artifactapi"', url);
    t.is(await code(anonymous), 'AAPI_ERR_AUTH_REQUIRED', url);
    const forbidden = await fetch(url, { headers: { authorization: `Bearer ${other}` } });
    t.is(forbidden.status, 403, url);
    t.is(await code(forbidden), 'AAPI_ERR_AUTH_FORBIDDEN', url);
  }
  const releases = await fetch(`${proc.url}/api/v1/remote/forge/v3/releases?module=acme-app`, { headers: { authorization: `Bearer ${reader}` } });
  t.is(releases.status, 200);
  t.deepEqual(((await releases.json()) as { results: { version: string }[] }).results.map((r) => r.version), ['1.2.0', '1.1.0'], 'the first page');
  const versions = await fetch(`${proc.url}/terraform/tf/v1/providers/acme/widget/versions`, { headers: { authorization: `Bearer ${reader}` } });
  // Past the check: the repository has no such provider yet.
  t.is(versions.status, 404);
  t.is(await code(versions), 'AAPI_ERR_NOT_FOUND');
});
