import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { installedVersion, puppetHome, puppetModuleInstall, puppetTest } from './puppet-client.js';
import { buildReleases, fixtureReleases, forgeConfig, startForge } from './puppet-forge.js';

puppetTest('quarantine_days hides a young release from the list pages puppet reads, and refuses its tarball with 451', async (t) => {
  // acme-app 1.2.0 was published an hour ago; 1.1.0 and 1.0.0 years ago.
  const forge = await startForge(t, await buildReleases(fixtureReleases(true)));
  const config = forgeConfig(forge.upstream.url, 'quarantine_days: 3');
  const proxy = await startServe(t, { config: await writeConfig(await tempDir(t), config) });
  const repository = `${proxy.url}/api/v1/remote/forge`;

  // puppet excludes created_at from the list it asks for; the proxy still gets it from the upstream.
  const home = await puppetHome(t);
  const out = await puppetModuleInstall(home, 'acme-app', repository);
  t.regex(out, /acme-app \(v1\.1\.0\)/);
  t.is(await installedVersion(home, 'app'), '1.1.0');
  t.is(await installedVersion(home, 'lib'), '2.0.0');
  t.true(forge.listRequests.every((q) => !(q.get('exclude_fields') ?? '').split(',').includes('created_at')));

  const page = (await (await fetch(`${repository}/v3/releases?module=acme-app&limit=5`)).json()) as { pagination: { total: number }; results: { version: string }[] };
  t.deepEqual(page.results.map((r) => r.version), ['1.1.0', '1.0.0']);
  t.is(page.pagination.total, 2);

  const refused = await fetch(`${repository}/v3/files/acme-app-1.2.0.tar.gz`);
  t.is(refused.status, 451);
  const error = (await refused.json()) as { message: string; error: { code: string } };
  t.is(error.error.code, 'AAPI_ERR_QUARANTINED');
  t.regex(error.message, /^Quarantined: acme-app@1\.2\.0 was published .* \(AAPI_ERR_QUARANTINED\)$/, 'the Forge error shape, whose message puppet prints');
  t.is(forge.upstream.hits('/v3/files/acme-app-1.2.0.tar.gz', 'GET'), 0, 'a quarantined tarball is never fetched');
});
