import { setTimeout as sleep } from 'node:timers/promises';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { installedVersion, puppetHome, puppetModuleInstall, puppetTest } from './puppet-client.js';
import { buildReleases, fixtureReleases, forgeConfig, startForge } from './puppet-forge.js';

const built = buildReleases(fixtureReleases());

puppetTest('puppet module install gets a module and its dependency over two list pages; a repeat is all cache hits', async (t) => {
  // Absolute file_uri and pagination links: puppet refuses those, so the install only works if the proxy rewrites them.
  const forge = await startForge(t, await built, { absolute: true });
  const proxy = await startServe(t, { config: await writeConfig(await tempDir(t), forgeConfig(forge.upstream.url)) });
  const repository = `${proxy.url}/api/v1/remote/forge`;

  const home = await puppetHome(t);
  const out = await puppetModuleInstall(home, 'acme-app', repository);
  t.regex(out, /acme-app \(v1\.2\.0\)/);
  t.regex(out, /acme-lib \(v2\.0\.0\)/);
  t.is(await installedVersion(home, 'app'), '1.2.0');
  t.is(await installedVersion(home, 'lib'), '2.0.0', 'the md5-only release was verified and installed');
  // acme-app has three releases in pages of two: puppet followed pagination.next through the proxy.
  const appPages = forge.listRequests.filter((q) => q.get('module') === 'acme-app').map((q) => q.get('offset') ?? '0');
  t.deepEqual(appPages, ['0', '2']);
  t.is(forge.upstream.hits('/v3/files/acme-app-1.2.0.tar.gz', 'GET'), 1);
  t.is(forge.upstream.hits('/v3/files/acme-lib-2.0.0.tar.gz', 'GET'), 1);

  const before = forge.upstream.requests.length;
  const again = await puppetHome(t);
  await puppetModuleInstall(again, 'acme-app', repository);
  t.is(await installedVersion(again, 'app'), '1.2.0');
  t.is(forge.upstream.requests.length, before, 'the repeat install sent no request upstream');

  const tarball = await fetch(`${repository}/v3/files/acme-app-1.2.0.tar.gz`);
  t.is(tarball.headers.get('x-artifact-cache'), 'HIT');
  t.true(Buffer.from(await tarball.arrayBuffer()).equals((await built).find((r) => r.slug === 'acme-app-1.2.0')!.tarball), 'byte identity');
});

puppetTest('with the upstream stopped, puppet module install still installs from the cache (stale metadata)', async (t) => {
  const forge = await startForge(t, await built);
  const config = forgeConfig(forge.upstream.url, 'cache: { mutable_ttl: 1 }');
  const proxy = await startServe(t, { config: await writeConfig(await tempDir(t), config) });
  const repository = `${proxy.url}/api/v1/remote/forge`;
  await puppetModuleInstall(await puppetHome(t), 'acme-app', repository);

  await forge.upstream.close();
  await sleep(1_500); // past mutable_ttl: list pages and releases are now served stale
  const home = await puppetHome(t);
  const out = await puppetModuleInstall(home, 'acme-app', repository);
  t.regex(out, /acme-app \(v1\.2\.0\)/);
  t.is(await installedVersion(home, 'app'), '1.2.0');
  t.is(await installedVersion(home, 'lib'), '2.0.0');
  // The release JSON the tarball was checked against, fetched by the proxy itself during the first install.
  const release = await fetch(`${repository}/v3/releases/acme-app-1.2.0`);
  t.is(release.status, 200);
  t.is(release.headers.get('x-artifact-cache'), 'STALE');
});
