import anyTest, { type TestFn } from 'ava';
import { get as httpGet } from 'node:http';
import { serviceGate } from '@artifactapi/core/testing/services';
import { startServe, type ServeProcess } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { FixtureRegistry, expectedH1, gpgVerify, hasGpg, sha256, walkProvider, type PublishedRelease, terraformRemoteYaml } from './terraform-registry.js';

// A remote terraform repository in front of a loopback origin registry (registry host + a second
// releases host, as registry.terraform.io and releases.hashicorp.com), walked as terraform init walks it.

interface Ctx {
  fixture: FixtureRegistry;
  proc: ServeProcess;
  release: PublishedRelease;
  tampered: PublishedRelease;
}
const test = anyTest as TestFn<Ctx>;
const gpg = await serviceGate('gpg (apt: gnupg)', async () => {
  if (!(await hasGpg())) throw new Error('gpg is not installed');
});

const teardowns: (() => unknown)[] = [];
const hooks = { teardown: (fn: () => unknown) => void teardowns.push(fn) };

test.before(async (t) => {
  const fixture = await FixtureRegistry.start();
  const [release, tampered] = await fixture.publish([
    { namespace: 'hashicorp', type: 'null', version: '3.2.1', platforms: [{ os: 'linux', arch: 'amd64' }, { os: 'darwin', arch: 'arm64' }] },
    { namespace: 'hashicorp', type: 'null', version: '3.2.2', platforms: [{ os: 'linux', arch: 'amd64' }] },
  ]);
  const dir = await tempDir(hooks);
  const config = await writeConfig(
    dir,
    `
remotes:
${terraformRemoteYaml(fixture)}  plain:
    type: remote
    package: generic
    base_url: ${fixture.registry.url}
`,
  );
  const proc = await startServe(hooks, { config });
  t.context = { fixture, proc, release: release!, tampered: tampered! };
  fixture.tamperZip(tampered!, 'linux', 'amd64');
  fixture.registry.setFile('/mirror/notes.txt', 'a generic file under mirror/\n');
});

test.after.always(async (t) => {
  for (const fn of teardowns.reverse()) await fn();
  await t.context.fixture?.close();
});

const provider = { namespace: 'hashicorp', type: 'null', version: '3.2.1', os: 'linux', arch: 'amd64' };
const zipName = 'terraform-provider-null_3.2.1_linux_amd64.zip';

test.serial('terraform init\'s walk through the proxy: URLs rewritten, every file byte-identical, the signature verifies; a second walk is all HITs with no upstream request', async (t) => {
  const { fixture, proc, release } = t.context;
  const base = `${proc.url}/api/v1/remote/terraform`;
  const walk = await walkProvider(proc.url, provider, `${base}/.well-known/terraform.json`);
  for (const field of ['download_url', 'shasums_url', 'shasums_signature_url'] as const) {
    t.true(walk.download[field].startsWith(`${base}/-/dl/`), `${field} points at the proxy: ${walk.download[field]}`);
  }
  t.deepEqual(walk.versions.map((v) => v.version), ['3.2.1', '3.2.2']);
  t.true(Buffer.from(walk.zip).equals(Buffer.from(release.zips.get(zipName)!)), 'zip byte-identical');
  t.true(Buffer.from(walk.sums).equals(Buffer.from(release.sums)), 'SHA256SUMS byte-identical');
  t.true(Buffer.from(walk.sig).equals(Buffer.from(release.sig)), 'signature byte-identical');
  t.is(walk.headers.zip.get('x-artifact-cache'), 'MISS');
  const versionsRes = await fetch(`${base}/v1/providers/hashicorp/null/versions`);
  t.is(await versionsRes.text(), Buffer.from((await (await fetch(`${fixture.registry.url}/v1/providers/hashicorp/null/versions`)).arrayBuffer())).toString(), 'versions document byte-identical');

  const before = fixture.registry.requests.length + fixture.files.requests.length;
  const again = await walkProvider(proc.url, provider, `${base}/.well-known/terraform.json`);
  t.is(fixture.registry.requests.length + fixture.files.requests.length - before, 0, 'no upstream request on the second walk');
  for (const [what, headers] of Object.entries(again.headers)) t.is(headers.get('x-artifact-cache'), 'HIT', what);
});

gpg.test('gpg --verify accepts the proxied SHA256SUMS signature with the key from the download document', async (t) => {
  const { proc } = t.context as Ctx;
  const walk = await walkProvider(proc.url, provider, `${proc.url}/api/v1/remote/terraform/.well-known/terraform.json`);
  const status = await gpgVerify(walk.armoredKey, walk.sums, walk.sig);
  t.regex(status, /\[GNUPG:\] GOODSIG/);
  const tamperedSums = Buffer.from(Buffer.from(walk.sums).toString().replace(/^[0-9a-f]/, (c) => (c === '0' ? '1' : '0')));
  await t.throwsAsync(gpgVerify(walk.armoredKey, tamperedSums, walk.sig), undefined, 'a changed SHA256SUMS fails gpg --verify');
});

test.serial('the network mirror: index.json and {version}.json with h1: and zh: per platform, archives byte-identical, then HITs with no upstream request', async (t) => {
  const { fixture, proc, release } = t.context;
  const mirror = `${proc.url}/api/v1/remote/terraform/mirror/`;
  const index = await fetch(`${mirror}registry.terraform.io/hashicorp/null/index.json`);
  t.is(index.status, 200);
  t.deepEqual(await index.json(), { versions: { '3.2.1': {}, '3.2.2': {} } });

  const versionUrl = `${mirror}registry.terraform.io/hashicorp/null/3.2.1.json`;
  const res = await fetch(versionUrl);
  t.is(res.status, 200, await res.clone().text());
  const doc = (await res.json()) as { archives: Record<string, { url: string; hashes: string[] }> };
  t.deepEqual(Object.keys(doc.archives).sort(), ['darwin_arm64', 'linux_amd64']);
  for (const [platform, archive] of Object.entries(doc.archives)) {
    const zip = release.zips.get(`terraform-provider-null_3.2.1_${platform}.zip`)!;
    t.deepEqual(archive.hashes, [expectedH1(zip), `zh:${sha256(zip)}`], platform);
    const got = await fetch(new URL(archive.url, versionUrl));
    t.is(got.status, 200);
    t.true(Buffer.from(await got.arrayBuffer()).equals(Buffer.from(zip)), `${platform} archive byte-identical`);
  }

  const before = fixture.registry.requests.length + fixture.files.requests.length;
  const warm = await fetch(versionUrl);
  t.is(warm.headers.get('x-artifact-cache'), 'HIT');
  t.deepEqual(await warm.json(), doc);
  t.is((await fetch(`${mirror}registry.terraform.io/hashicorp/null/index.json`)).headers.get('x-artifact-cache'), 'HIT');
  t.is(fixture.registry.requests.length + fixture.files.requests.length - before, 0, 'no upstream request once warm');

  t.is((await fetch(`${mirror}registry.example.com/hashicorp/null/index.json`)).status, 404, 'another origin registry is not mirrored here');
  t.is((await fetch(`${mirror}registry.terraform.io/hashicorp/null/9.9.9.json`)).status, 404);
  t.is((await fetch(`${mirror}registry.terraform.io/hashicorp/nothing/index.json`)).status, 404);
});

test.serial('an archive whose bytes disagree with SHA256SUMS is refused with AAPI_ERR_UPSTREAM_DIGEST and never stored, through the registry protocol and the mirror', async (t) => {
  const { fixture, proc, tampered } = t.context;
  const base = `${proc.url}/api/v1/remote/terraform`;
  const download = (await (await fetch(`${base}/v1/providers/hashicorp/null/3.2.2/download/linux/amd64`)).json()) as { download_url: string };
  const upstreamPath = `${tampered.dir}/terraform-provider-null_3.2.2_linux_amd64.zip`;
  for (const round of [1, 2]) {
    const res = await fetch(download.download_url);
    let body: string | undefined;
    try {
      body = await res.text();
    } catch {
      body = undefined; // broken off before its end: the check fails with the last byte
    }
    t.not(res.headers.get('x-artifact-cache'), 'HIT', `round ${round}`);
    if (res.status === 200) t.is(body, undefined, `round ${round}: a 200 must break off`);
    else {
      t.is(res.status, 502, `round ${round}`);
      t.regex(body ?? '', /AAPI_ERR_UPSTREAM_DIGEST/);
    }
  }
  t.is(fixture.files.hits(upstreamPath, 'GET'), 2, 'nothing stored: the second request went upstream again');

  const mirrored = await fetch(`${base}/mirror/registry.terraform.io/hashicorp/null/3.2.2.json`);
  t.is(mirrored.status, 502);
  t.regex(await mirrored.text(), /AAPI_ERR_UPSTREAM_DIGEST/);
  t.is(fixture.files.hits(upstreamPath, 'GET'), 3);
  const listing = await fetch(`${proc.url}/api/v1/remote/terraform/-/dl/${new URL(fixture.files.url).host}${upstreamPath}`);
  await listing.arrayBuffer().catch(() => undefined);
  t.is(fixture.files.hits(upstreamPath, 'GET'), 4, 'still not stored after the mirror request');
});

test('paths outside the protocol and download hosts are refused without an upstream request', async (t) => {
  const { fixture, proc } = t.context;
  const before = fixture.registry.requests.length + fixture.files.requests.length;
  t.is((await fetch(`${proc.url}/api/v1/remote/terraform/-/dl/evil.example.com/x.zip`)).status, 403);
  t.is((await fetch(`${proc.url}/api/v1/remote/terraform/v1/providers/hashicorp/null/3.2.1/download/linux`)).status, 403);
  t.is((await fetch(`${proc.url}/api/v1/remote/terraform/something-else`)).status, 403);
  t.is(fixture.registry.requests.length + fixture.files.requests.length - before, 0);
});

test.serial('HEAD on a mirror document answers its headers only; mirror/ paths of other package types are plain files', async (t) => {
  const { proc } = t.context;
  const head = await fetch(`${proc.url}/api/v1/remote/terraform/mirror/registry.terraform.io/hashicorp/null/index.json`, { method: 'HEAD' });
  t.is(head.status, 200);
  t.is(head.headers.get('content-type'), 'application/json');
  t.is(await head.text(), '');
  const first = await fetch(`${proc.url}/api/v1/remote/plain/mirror/notes.txt`);
  t.is(first.status, 200);
  t.is(await first.text(), 'a generic file under mirror/\n');
  const again = await fetch(`${proc.url}/api/v1/remote/plain/mirror/notes.txt`);
  t.is(again.headers.get('x-artifact-cache'), 'HIT');
  await again.arrayBuffer();
  // Traversal sent as-is (fetch would resolve the dot segments itself).
  t.is(await rawStatus(proc.port, '/api/v1/remote/plain/mirror/%2E%2E/%2E%2E/x'), 400);
  t.is(await rawStatus(proc.port, '/api/v1/remote/terraform/mirror/../v1/providers/hashicorp/null/versions'), 400);

});

function rawStatus(port: number, path: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    httpGet({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode));
    }).once('error', reject);
  });
}
