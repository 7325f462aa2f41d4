import anyTest, { type TestFn } from 'ava';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serviceGate } from '@artifactapi/core/testing/services';
import { startServe, type ServeProcess } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { gpgVerify, hasGpg, providerZip, sha256, verifySignature, walkProvider } from './terraform-registry.js';
import * as openpgp from 'openpgp';

// A local terraform repository as a provider registry: uploads by PUT, discovery at the host root,
// SHA256SUMS signed with an RSA key the repository generated and keeps.

interface Ctx {
  proc: ServeProcess;
  config: string;
  dataDir: string;
}
const test = anyTest as TestFn<Ctx>;
const gpg = await serviceGate('gpg (apt: gnupg)', async () => {
  if (!(await hasGpg())) throw new Error('gpg is not installed');
});
const TOKEN = 'tf-local-token';
const teardowns: (() => unknown)[] = [];
const hooks = { teardown: (fn: () => unknown) => void teardowns.push(fn) };
const zips = {
  'terraform-provider-widget_1.0.0_linux_amd64.zip': providerZip('widget', '1.0.0', 'linux', 'amd64'),
  'terraform-provider-widget_1.0.0_darwin_arm64.zip': providerZip('widget', '1.0.0', 'darwin', 'arm64'),
  'terraform-provider-widget_1.1.0_linux_amd64.zip': providerZip('widget', '1.1.0', 'linux', 'amd64'),
};
const provider = { namespace: 'acme', type: 'widget', version: '1.0.0', os: 'linux', arch: 'amd64' };

function put(proc: ServeProcess, path: string, body: Uint8Array, token?: string): Promise<Response> {
  return fetch(`${proc.url}/api/v1/remote/terraform-local/${path}`, { method: 'PUT', body, headers: token ? { authorization: `Bearer ${token}` } : {} });
}

/** The running server; the restart test replaces it for the tests after it. */
let current: ServeProcess;

test.before(async (t) => {
  const dir = await tempDir(hooks);
  const dataDir = await tempDir(hooks, 'aapi-data-');
  const config = await writeConfig(
    dir,
    `
auth: { admin_token: ${TOKEN} }
remotes:
  terraform-local:
    type: local
    package: terraform
`,
  );
  const proc = await startServe(hooks, { config, dataDir });
  for (const [name, zip] of Object.entries(zips)) {
    const res = await put(proc, `acme/widget/${name}`, zip, TOKEN);
    if (res.status !== 201) throw new Error(`upload ${name}: ${res.status} ${await res.text()}`);
  }
  current = proc;
  t.context = { proc, config, dataDir };
});

test.after.always(async () => {
  for (const fn of teardowns.reverse()) await fn();
});

test.serial('uploads need the admin token and a provider archive name under {namespace}/{type}/', async (t) => {
  const proc = current;
  const zip = providerZip('widget', '2.0.0', 'linux', 'amd64');
  t.is((await put(proc, 'acme/widget/terraform-provider-widget_2.0.0_linux_amd64.zip', zip)).status, 401);
  t.is((await put(proc, 'acme/widget/terraform-provider-widget_2.0.0_linux_amd64.zip', zip, 'wrong')).status, 403);
  const badName = await put(proc, 'acme/widget/widget.zip', zip, TOKEN);
  t.is(badName.status, 403);
  t.regex(await badName.text(), /AAPI_ERR_PATH_DENIED/);
  t.is((await put(proc, 'acme/gadget/terraform-provider-widget_2.0.0_linux_amd64.zip', zip, TOKEN)).status, 403, 'the type in the file name must be the folder\'s');
  const versions = (await (await fetch(`${proc.url}/terraform/terraform-local/v1/providers/acme/widget/versions`)).json()) as { versions: { version: string }[] };
  t.deepEqual(versions.versions.map((v) => v.version), ['1.0.0', '1.1.0'], 'nothing refused was stored');
});

test.serial('terraform init\'s walk from the host root: discovery, versions, download, SHA256SUMS, signature (RSA), archive sha256', async (t) => {
  const proc = current;
  const walk = await walkProvider(proc.url, provider);
  t.deepEqual(walk.versions, [
    { version: '1.0.0', protocols: ['5.0', '6.0'], platforms: [{ os: 'darwin', arch: 'arm64' }, { os: 'linux', arch: 'amd64' }] },
    { version: '1.1.0', protocols: ['5.0', '6.0'], platforms: [{ os: 'linux', arch: 'amd64' }] },
  ].map((v) => ({ ...v, platforms: walk.versions.find((w) => w.version === v.version)!.platforms })));
  t.deepEqual(new Set(walk.versions[0]!.platforms.map((p) => `${p.os}_${p.arch}`)), new Set(['darwin_arm64', 'linux_amd64']));
  t.true(Buffer.from(walk.zip).equals(Buffer.from(zips['terraform-provider-widget_1.0.0_linux_amd64.zip'])), 'the archive as uploaded');
  t.is(Buffer.from(walk.sums).toString(), [
    `${sha256(zips['terraform-provider-widget_1.0.0_darwin_arm64.zip'])}  terraform-provider-widget_1.0.0_darwin_arm64.zip\n`,
    `${sha256(zips['terraform-provider-widget_1.0.0_linux_amd64.zip'])}  terraform-provider-widget_1.0.0_linux_amd64.zip\n`,
  ].join(''));
  const key = await openpgp.readKey({ armoredKey: walk.armoredKey });
  t.regex(key.getAlgorithmInfo().algorithm, /^rsa/);
  const keys = (walk.download.signing_keys as { gpg_public_keys: { key_id: string }[] }).gpg_public_keys;
  t.is(keys[0]!.key_id, key.getKeyID().toHex().toUpperCase());
  t.deepEqual(walk.download.protocols, ['5.0', '6.0']);
});

gpg.serial('gpg --verify accepts the local registry\'s SHA256SUMS signature', async (t) => {
  const proc = current;
  const walk = await walkProvider(proc.url, provider);
  t.regex(await gpgVerify(walk.armoredKey, walk.sums, walk.sig), /\[GNUPG:\] GOODSIG/);
});

/** A forwarder in front of the product that alters the bodies of paths ending in `suffix`. */
async function tamperingProxy(t: { teardown(fn: () => unknown): void }, target: string, suffix: string, tamper: (body: Buffer) => Buffer): Promise<string> {
  const server = createServer((req, res) => {
    void (async () => {
      const upstream = await fetch(`${target}${req.url}`);
      let body: Buffer = Buffer.from(await upstream.arrayBuffer());
      if ((req.url ?? '').split('?')[0]!.endsWith(suffix)) body = tamper(body);
      // Discovery names the product's own URLs: point them back at this forwarder.
      if (req.url === '/.well-known/terraform.json') body = Buffer.from(body.toString().replaceAll(target, `http://127.0.0.1:${(server.address() as AddressInfo).port}`));
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream' }).end(body);
    })().catch((err: unknown) => res.destroy(err as Error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test.serial('the verification walk refuses a tampered archive and a tampered SHA256SUMS', async (t) => {
  const proc = current;
  // The download document's URLs name the product; the forwarder rewrites them to itself.
  const rewriteUrls = (body: Buffer, via: string) => Buffer.from(body.toString().replaceAll(proc.url, via));
  let via = '';
  const zipProxy = await tamperingProxy(t, proc.url, '.zip', (b) => Buffer.concat([b, Buffer.from('x')]));
  via = zipProxy;
  const zipDoc = await tamperingProxy(t, zipProxy, '/download/linux/amd64', (b) => rewriteUrls(b, via));
  await t.throwsAsync(walkProvider(zipDoc, provider, `${zipDoc}/.well-known/terraform.json`), { message: /checksum mismatch against SHA256SUMS/ });

  const sumsProxy = await tamperingProxy(t, proc.url, '/SHA256SUMS', (b) => Buffer.from(b.toString().replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))));
  via = sumsProxy;
  const sumsDoc = await tamperingProxy(t, sumsProxy, '/download/linux/amd64', (b) => rewriteUrls(b, sumsProxy));
  await t.throwsAsync(walkProvider(sumsDoc, provider, `${sumsDoc}/.well-known/terraform.json`), { message: /signature|signed digest did not match/i });

  // The walk through the product itself passes, so the failures above are the tampering's.
  await t.notThrowsAsync(walkProvider(proc.url, provider));
});

test.serial('the signing key survives a restart: same key id, same signature bytes for the same SHA256SUMS', async (t) => {
  const { config, dataDir } = t.context;
  const proc = current;
  const before = await walkProvider(proc.url, provider);
  await proc.stop();
  const again = await startServe(hooks, { config, dataDir });
  current = again;
  const after = await walkProvider(again.url, provider);
  t.is(after.armoredKey, before.armoredKey);
  t.true(Buffer.from(after.sig).equals(Buffer.from(before.sig)), 'deterministic signature');
  await verifySignature(after.armoredKey, after.sums, after.sig);
  t.is((await fetch(`${again.url}/api/v1/remote/terraform-local/./terraform-signing-key.asc`)).status >= 400, true, 'the private key is not readable over HTTP');
  t.is((await fetch(`${again.url}/api/v1/remote/terraform-local/%2E/terraform-signing-key.asc`)).status >= 400, true);
});

test.serial('a deleted archive leaves the versions document', async (t) => {
  const proc = current;
  const res = await fetch(`${proc.url}/api/v1/remote/terraform-local/acme/widget/terraform-provider-widget_1.1.0_linux_amd64.zip`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } });
  t.is(res.status, 204);
  const versions = (await (await fetch(`${proc.url}/terraform/terraform-local/v1/providers/acme/widget/versions`)).json()) as { versions: { version: string }[] };
  t.deepEqual(versions.versions.map((v) => v.version), ['1.0.0']);
  t.is((await fetch(`${proc.url}/terraform/terraform-local/v1/providers/acme/widget/1.1.0/download/linux/amd64`)).status, 404);
});
