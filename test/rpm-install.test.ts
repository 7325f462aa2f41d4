import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import test, { type ExecutionContext } from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { dnfInstall, dnfRoot, rpmToolsAvailable } from './rpm-dnf.js';
import { builtPackages } from './rpm-fixture.js';
import { REPO_ROOT, TINYAPP, TINYDEP, createRepo, listedMetadata, packagePath, publish, rpmConfig } from './rpm-repo.js';

const available = rpmToolsAvailable();
const rpmTest = available ? test.serial : test.skip;

async function upstreamWithRepo(t: ExecutionContext) {
  const built = await builtPackages();
  const files = await createRepo([
    { spec: TINYAPP, bytes: built.get('tinyapp')! },
    { spec: TINYDEP, bytes: built.get('tinydep')! },
  ]);
  const upstream = await startUpstream();
  t.teardown(() => upstream.close());
  publish(upstream, files);
  return { upstream, files, built };
}

rpmTest('dnf installs a package and its dependency through the proxy; a repeat is served from cache with no upstream request', async (t) => {
  const { upstream, files, built } = await upstreamWithRepo(t);
  const proxy = await startServe(t, { config: await writeConfig(await tempDir(t), rpmConfig(upstream.url)) });
  const baseurl = `${proxy.url}/api/v1/remote/alma/${REPO_ROOT}`;

  const first = await dnfRoot(await tempDir(t, 'aapi-dnf-'), baseurl);
  t.regex(await dnfInstall(first, ['tinyapp']), /Installed:[\s\S]*tinyapp-1\.0-1\.noarch[\s\S]*tinydep-2\.0-1\.noarch/);
  t.is((await readFile(join(first.installroot, 'usr/share/tinyapp/version.txt'), 'utf8')).trim(), 'tinyapp-1.0');
  t.is((await readFile(join(first.installroot, 'usr/share/tinydep/version.txt'), 'utf8')).trim(), 'tinydep-2.0');
  for (const spec of [TINYAPP, TINYDEP]) t.is(upstream.hits(`/${packagePath(spec)}`, 'GET'), 1, `${spec.name} fetched once`);

  // Byte identity: every file dnf read is the upstream's, and now a cache hit.
  const served = [`${REPO_ROOT}repodata/repomd.xml`, ...[...listedMetadata(files).values()].map((href) => `${REPO_ROOT}${href}`)];
  const expected = new Map<string, Buffer>([
    ...served.map((p): [string, Buffer] => [p, files.get(p.slice(REPO_ROOT.length))!]),
    [packagePath(TINYAPP), built.get('tinyapp')!],
    [packagePath(TINYDEP), built.get('tinydep')!],
  ]);
  const before = upstream.requests.length;
  for (const [path, bytes] of expected) {
    if (path.includes('_db') || path.includes('sqlite')) continue; // not part of the default snapshot
    const res = await fetch(`${proxy.url}/api/v1/remote/alma/${path}`);
    t.is(res.status, 200, path);
    t.is(res.headers.get('x-artifact-cache'), 'HIT', path);
    t.true(Buffer.from(await res.arrayBuffer()).equals(bytes), `${path} is byte-identical`);
  }

  const second = await dnfRoot(await tempDir(t, 'aapi-dnf-'), baseurl);
  t.regex(await dnfInstall(second, ['tinyapp']), /Complete!/);
  t.is((await readFile(join(second.installroot, 'usr/share/tinydep/version.txt'), 'utf8')).trim(), 'tinydep-2.0');
  t.deepEqual(upstream.requests.slice(before), [], 'the repeat install made no upstream request');
});

rpmTest('with the upstream stopped, dnf still installs everything already fetched (metadata served stale)', async (t) => {
  const { upstream } = await upstreamWithRepo(t);
  const proxy = await startServe(t, { config: await writeConfig(await tempDir(t), rpmConfig(upstream.url, 'cache: { mutable_ttl: 1 }')) });
  const baseurl = `${proxy.url}/api/v1/remote/alma/${REPO_ROOT}`;
  t.regex(await dnfInstall(await dnfRoot(await tempDir(t, 'aapi-dnf-'), baseurl), ['tinyapp']), /Complete!/);

  await upstream.close();
  await sleep(1_500); // past mutable_ttl: repomd.xml must be revalidated, and the upstream is gone
  const offline = await dnfRoot(await tempDir(t, 'aapi-dnf-'), baseurl);
  t.regex(await dnfInstall(offline, ['tinyapp']), /Installed:[\s\S]*tinyapp-1\.0-1\.noarch[\s\S]*tinydep-2\.0-1\.noarch/);
  t.is((await readFile(join(offline.installroot, 'usr/share/tinyapp/version.txt'), 'utf8')).trim(), 'tinyapp-1.0');
  await sleep(1_500); // dnf's own request refreshed the stale copy's expiry; let it lapse again
  const repomd = await fetch(`${proxy.url}/api/v1/remote/alma/${REPO_ROOT}repodata/repomd.xml`);
  t.is(repomd.status, 200);
  t.is(repomd.headers.get('x-artifact-cache'), 'STALE');
});
