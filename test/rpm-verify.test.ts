import test, { type ExecutionContext } from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { rpmToolsAvailable } from './rpm-dnf.js';
import { builtPackages } from './rpm-fixture.js';
import { REPO_ROOT, TINYAPP, TINYDEP, createRepo, listedMetadata, packagePath, publish, rpmConfig, type RepoFiles } from './rpm-repo.js';

const rpmTest = rpmToolsAvailable() ? test.serial : test.skip;

async function setUp(t: ExecutionContext, extra = '', fileTimes: { tinyapp?: Date; tinydep?: Date } = {}) {
  const built = await builtPackages();
  const files = await createRepo([
    { spec: TINYAPP, bytes: built.get('tinyapp')!, fileTime: fileTimes.tinyapp },
    { spec: TINYDEP, bytes: built.get('tinydep')!, fileTime: fileTimes.tinydep },
  ]);
  const upstream = await startUpstream();
  t.teardown(() => upstream.close());
  publish(upstream, files);
  const proxy = await startServe(t, { config: await writeConfig(await tempDir(t), rpmConfig(upstream.url, extra)) });
  return { upstream, files, built, proxy, url: (path: string) => `${proxy.url}/api/v1/remote/alma/${path}` };
}

async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

function metadataPath(files: RepoFiles, type: string): string {
  return `${REPO_ROOT}${listedMetadata(files).get(type)!}`;
}

rpmTest('an .rpm whose bytes differ from its primary.xml checksum is refused with 502 and never stored', async (t) => {
  const { upstream, built, url } = await setUp(t);
  const good = built.get('tinyapp')!;
  const tampered = Buffer.from(good);
  tampered[tampered.length - 10]! ^= 0xff;
  upstream.setFile(`/${packagePath(TINYAPP)}`, tampered);

  for (const attempt of [1, 2]) {
    const res = await fetch(url(packagePath(TINYAPP)));
    t.is(res.status, 502, `attempt ${attempt}`);
    t.is(await errorCode(res), 'AAPI_ERR_UPSTREAM_DIGEST', `attempt ${attempt}`);
  }
  t.is(upstream.hits(`/${packagePath(TINYAPP)}`, 'GET'), 2, 'nothing was stored, so the retry went upstream again');

  // The dependency, untouched upstream, is verified and stored; so is the fixed package later.
  t.is((await fetch(url(packagePath(TINYDEP)))).status, 200);
  upstream.setFile(`/${packagePath(TINYAPP)}`, good);
  const fixed = await fetch(url(packagePath(TINYAPP)));
  t.is(fixed.status, 200);
  t.true(Buffer.from(await fixed.arrayBuffer()).equals(good));
  t.is((await fetch(url(packagePath(TINYAPP)))).headers.get('x-artifact-cache'), 'HIT');
});

rpmTest('a metadata file that disagrees with repomd.xml is refused, and so is the repomd.xml that names it', async (t) => {
  const { upstream, files, url } = await setUp(t);
  const primary = metadataPath(files, 'primary');
  const good = files.get(listedMetadata(files).get('primary')!)!;
  upstream.setFile(`/${primary}`, files.get(listedMetadata(files).get('other')!)!);

  const repomd = await fetch(url(`${REPO_ROOT}repodata/repomd.xml`));
  const text = await repomd.text();
  t.is(repomd.status, 502, text);
  t.regex(text, /AAPI_ERR_SNAPSHOT_INCOMPLETE/);
  t.is(upstream.hits(`/${primary}`, 'GET'), 1, 'the new repomd.xml fetched the primary it names before it would be served');
  for (const attempt of [1, 2]) {
    const before = upstream.hits(`/${primary}`, 'GET');
    const direct = await fetch(url(primary));
    t.is(direct.status, 502, `attempt ${attempt}`);
    t.is(await errorCode(direct), 'AAPI_ERR_SNAPSHOT_INCOMPLETE', 'its repomd.xml cannot be completed, so nothing it lists passes');
    t.true(upstream.hits(`/${primary}`, 'GET') > before, `attempt ${attempt} went upstream again: the tampered primary was never stored`);
  }
  t.is((await fetch(url(`${REPO_ROOT}repodata/repomd.xml`))).status, 502, 'nor the repomd.xml that names it');

  upstream.setFile(`/${primary}`, good);
  const fixed = await fetch(url(`${REPO_ROOT}repodata/repomd.xml`));
  t.is(fixed.status, 200);
  t.true(Buffer.from(await fixed.arrayBuffer()).equals(files.get('repodata/repomd.xml')!));
  const served = await fetch(url(primary));
  t.is(served.headers.get('x-artifact-cache'), 'HIT', 'stored with the snapshot');
  t.true(Buffer.from(await served.arrayBuffer()).equals(good));
});

rpmTest('repomd.xml, its .asc and .key are passed through byte for byte', async (t) => {
  const { upstream, files, url } = await setUp(t);
  const signature = Buffer.from('-----BEGIN PGP SIGNATURE-----\n\niQEzBAABCAAdFiEE\n=abcd\n-----END PGP SIGNATURE-----\n');
  const key = Buffer.from('-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQENBF\n=wxyz\n-----END PGP PUBLIC KEY BLOCK-----\n');
  upstream.setFile(`/${REPO_ROOT}repodata/repomd.xml.asc`, signature);
  upstream.setFile(`/${REPO_ROOT}repodata/repomd.xml.key`, key);
  for (const [path, bytes] of [
    ['repodata/repomd.xml', files.get('repodata/repomd.xml')!],
    ['repodata/repomd.xml.asc', signature],
    ['repodata/repomd.xml.key', key],
  ] as const) {
    const res = await fetch(url(`${REPO_ROOT}${path}`));
    t.is(res.status, 200, path);
    t.true(Buffer.from(await res.arrayBuffer()).equals(bytes), `${path} is byte-identical`);
  }
});

rpmTest('quarantine_days refuses a package whose primary.xml <time file> is recent with 451, and serves an older one', async (t) => {
  const { upstream, url } = await setUp(t, 'quarantine_days: 3', { tinydep: new Date('2020-01-01T00:00:00Z') });
  const young = await fetch(url(packagePath(TINYAPP)));
  t.is(young.status, 451);
  const body = (await young.json()) as { error: { code: string; message: string } };
  t.is(body.error.code, 'AAPI_ERR_QUARANTINED');
  t.regex(body.error.message, /tinyapp-1\.0-1\.noarch/);
  t.is(upstream.hits(`/${packagePath(TINYAPP)}`, 'GET'), 0, 'a quarantined package is not even fetched');

  const old = await fetch(url(packagePath(TINYDEP)));
  t.is(old.status, 200);
  await old.arrayBuffer();
});
