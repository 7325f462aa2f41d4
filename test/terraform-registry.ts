import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { strToU8, unzipSync, zipSync } from 'fflate';
import * as openpgp from 'openpgp';
import { startUpstream, type UpstreamServer } from '@artifactapi/plugin-sdk/testkit';

/** Fixtures for the terraform tests: provider zips made here, a loopback origin registry, and the walk `terraform init` does. */

export const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

/** A provider archive as goreleaser lays it out: the plugin binary plus a few files. */
export function providerZip(type: string, version: string, os: string, arch: string, salt = ''): Uint8Array {
  return zipSync({
    [`terraform-provider-${type}_v${version}`]: strToU8(`#!/bin/sh\n# ${type} ${version} ${os}/${arch}${salt}\n${'x'.repeat(2000)}\n`),
    'LICENSE.txt': strToU8('Mozilla Public License 2.0\n'),
    'README.md': [strToU8(`# terraform-provider-${type}\n`), { level: 0 }],
  }, { level: 6, mtime: new Date('2024-01-01T00:00:00Z') });
}

/** h1: the Go dirhash Hash1 of a zip, computed here independently of the product (fflate's unzip). */
export function expectedH1(zip: Uint8Array): string {
  const files = unzipSync(zip);
  const lines = Object.keys(files)
    .sort()
    .map((name) => `${sha256(files[name]!)}  ${name}\n`)
    .join('');
  return `h1:${createHash('sha256').update(lines).digest('base64')}`;
}

/** An RSA test key (2048 bits: enough for a test, quick to make). */
export async function testKey(): Promise<{ privateKey: openpgp.PrivateKey; publicArmored: string; keyId: string }> {
  const { privateKey } = await openpgp.generateKey({ type: 'rsa', rsaBits: 2048, userIDs: [{ name: 'fixture registry' }], format: 'object' });
  return { privateKey, publicArmored: privateKey.toPublic().armor(), keyId: privateKey.getKeyID().toHex().toUpperCase() };
}

export async function detachedSign(key: openpgp.PrivateKey, data: Uint8Array): Promise<Uint8Array> {
  return openpgp.sign({ message: await openpgp.createMessage({ binary: data }), signingKeys: key, detached: true, format: 'binary' });
}

export interface ProviderRelease {
  namespace: string;
  type: string;
  version: string;
  platforms: { os: string; arch: string }[];
}

/** A release as the fixture publishes it: zips by file name, SHA256SUMS and its signature. */
export interface PublishedRelease extends ProviderRelease {
  zips: Map<string, Uint8Array>;
  sums: Uint8Array;
  sig: Uint8Array;
  /** Path of the release's files on the releases host. */
  dir: string;
}

/**
 * An origin registry on loopback: discovery, versions and download documents on `registry`,
 * archives / SHA256SUMS / signatures on a second host `releases` (as releases.hashicorp.com is),
 * all signed with one test key.
 */
export class FixtureRegistry {
  readonly releases = new Map<string, PublishedRelease>();

  private constructor(
    readonly registry: UpstreamServer,
    readonly files: UpstreamServer,
    readonly key: Awaited<ReturnType<typeof testKey>>,
  ) {}

  static async start(): Promise<FixtureRegistry> {
    const [registry, files, key] = await Promise.all([startUpstream(), startUpstream(), testKey()]);
    registry.setFile('/.well-known/terraform.json', { body: JSON.stringify({ 'providers.v1': '/v1/providers/' }), contentType: 'application/json' });
    return new FixtureRegistry(registry, files, key);
  }

  async close(): Promise<void> {
    await Promise.all([this.registry.close(), this.files.close()]);
  }

  /** Publishes releases of one provider (replacing its versions document). */
  async publish(releases: ProviderRelease[]): Promise<PublishedRelease[]> {
    const out: PublishedRelease[] = [];
    for (const r of releases) {
      const dir = `/terraform-provider-${r.type}/${r.version}`;
      const zips = new Map<string, Uint8Array>();
      for (const p of r.platforms) zips.set(`terraform-provider-${r.type}_${r.version}_${p.os}_${p.arch}.zip`, providerZip(r.type, r.version, p.os, p.arch));
      const sums = strToU8([...zips].map(([name, zip]) => `${sha256(zip)}  ${name}\n`).sort((a, b) => (a.split('  ')[1]! < b.split('  ')[1]! ? -1 : 1)).join(''));
      const sig = await detachedSign(this.key.privateKey, sums);
      const sumsName = `terraform-provider-${r.type}_${r.version}_SHA256SUMS`;
      for (const [name, zip] of zips) this.files.setFile(`${dir}/${name}`, { body: zip, contentType: 'application/zip' });
      this.files.setFile(`${dir}/${sumsName}`, { body: sums, contentType: 'text/plain' });
      this.files.setFile(`${dir}/${sumsName}.sig`, sig);
      for (const p of r.platforms) {
        const filename = `terraform-provider-${r.type}_${r.version}_${p.os}_${p.arch}.zip`;
        this.registry.setFile(`/v1/providers/${r.namespace}/${r.type}/${r.version}/download/${p.os}/${p.arch}`, {
          contentType: 'application/json',
          body: JSON.stringify({
            protocols: ['5.0'],
            os: p.os,
            arch: p.arch,
            filename,
            download_url: `${this.files.url}${dir}/${filename}`,
            shasums_url: `${this.files.url}${dir}/${sumsName}`,
            shasums_signature_url: `${this.files.url}${dir}/${sumsName}.sig`,
            shasum: sha256(zips.get(filename)!),
            signing_keys: { gpg_public_keys: [{ key_id: this.key.keyId, ascii_armor: this.key.publicArmored, trust_signature: '', source: 'Fixture', source_url: null }] },
          }),
        });
      }
      const published = { ...r, zips, sums, sig, dir };
      this.releases.set(`${r.namespace}/${r.type}/${r.version}`, published);
      out.push(published);
    }
    const byProvider = new Map<string, PublishedRelease[]>();
    for (const r of this.releases.values()) byProvider.set(`${r.namespace}/${r.type}`, [...(byProvider.get(`${r.namespace}/${r.type}`) ?? []), r]);
    for (const [provider, list] of byProvider) {
      this.registry.setFile(`/v1/providers/${provider}/versions`, {
        contentType: 'application/json',
        body: JSON.stringify({ versions: list.map((r) => ({ version: r.version, protocols: ['5.0'], platforms: r.platforms })) }, null, 2),
      });
    }
    return out;
  }

  /** Replaces one archive on the releases host (SHA256SUMS and the download document unchanged). */
  tamperZip(release: PublishedRelease, os: string, arch: string): string {
    const name = `terraform-provider-${release.type}_${release.version}_${os}_${arch}.zip`;
    const path = `${release.dir}/${name}`;
    this.files.setFile(path, { body: providerZip(release.type, release.version, os, arch, ' evil'), contentType: 'application/zip' });
    return path;
  }
}

export interface WalkResult {
  versions: { version: string; platforms: { os: string; arch: string }[] }[];
  download: Record<string, unknown> & { download_url: string; shasums_url: string; shasums_signature_url: string; shasum: string; filename: string };
  zip: Uint8Array;
  sums: Uint8Array;
  sig: Uint8Array;
  armoredKey: string;
  headers: { download: Headers; zip: Headers; sums: Headers; sig: Headers };
}

async function get(url: string): Promise<{ body: Uint8Array; headers: Headers }> {
  const res = await fetch(url);
  const body = new Uint8Array(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${Buffer.from(body).toString().slice(0, 300)}`);
  return { body, headers: res.headers };
}

/**
 * The requests and checks `terraform init` makes for one provider, in its order: service
 * discovery on the host, versions, the download document, SHA256SUMS, its signature (checked
 * against the document's signing keys), then the archive's sha256 against its SHA256SUMS line and
 * `shasum`. Throws on any failure, as terraform would refuse to install.
 */
export async function walkProvider(hostRoot: string, provider: { namespace: string; type: string; version: string; os: string; arch: string }, discoveryUrl = `${hostRoot}/.well-known/terraform.json`): Promise<WalkResult> {
  const services = JSON.parse(Buffer.from((await get(discoveryUrl)).body).toString()) as Record<string, string>;
  const providersV1 = new URL(services['providers.v1']!, discoveryUrl).href;
  const base = `${providersV1}${provider.namespace}/${provider.type}/`;
  const versions = JSON.parse(Buffer.from((await get(`${base}versions`)).body).toString()) as WalkResult['versions'] extends infer V ? { versions: V } : never;
  const listed = versions.versions.find((v) => v.version === provider.version);
  if (!listed?.platforms.some((p) => p.os === provider.os && p.arch === provider.arch)) throw new Error(`${provider.version} ${provider.os}_${provider.arch} is not listed`);
  const downloadUrl = `${base}${provider.version}/download/${provider.os}/${provider.arch}`;
  const downloadRes = await get(downloadUrl);
  const download = JSON.parse(Buffer.from(downloadRes.body).toString()) as WalkResult['download'];
  const sums = await get(new URL(download.shasums_url, downloadUrl).href);
  const sig = await get(new URL(download.shasums_signature_url, downloadUrl).href);
  const keys = (download.signing_keys as { gpg_public_keys: { ascii_armor: string }[] }).gpg_public_keys;
  await verifySignature(keys[0]!.ascii_armor, sums.body, sig.body);
  const zip = await get(new URL(download.download_url, downloadUrl).href);
  const line = Buffer.from(sums.body).toString().split('\n').find((l) => l.endsWith(`  ${download.filename}`));
  if (!line) throw new Error(`SHA256SUMS does not list ${download.filename}`);
  if (line.split('  ')[0] !== sha256(zip.body)) throw new Error(`${download.filename}: checksum mismatch against SHA256SUMS`);
  if (download.shasum !== sha256(zip.body)) throw new Error(`${download.filename}: checksum mismatch against shasum`);
  return { versions: versions.versions, download, zip: zip.body, sums: sums.body, sig: sig.body, armoredKey: keys[0]!.ascii_armor, headers: { download: downloadRes.headers, zip: zip.headers, sums: sums.headers, sig: sig.headers } };
}

/** openpgp.js's verdict on a detached signature; throws when it does not verify. */
export async function verifySignature(armoredKey: string, data: Uint8Array, signature: Uint8Array): Promise<void> {
  const verificationKeys = await openpgp.readKey({ armoredKey });
  const { signatures } = await openpgp.verify({ message: await openpgp.createMessage({ binary: data }), signature: await openpgp.readSignature({ binarySignature: signature }), verificationKeys });
  await signatures[0]!.verified;
}

const run = promisify(execFile);

/** Whether Debian's gpg is installed. */
export async function hasGpg(): Promise<boolean> {
  try {
    await run('gpg', ['--version']);
    return true;
  } catch {
    return false;
  }
}

/** `gpg --verify` of a detached signature with only `armoredKey` in a throwaway keyring; throws with gpg's output when it fails. */
export async function gpgVerify(armoredKey: string, data: Uint8Array, signature: Uint8Array): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'aapi-gnupg-'));
  try {
    await writeFile(join(home, 'key.asc'), armoredKey);
    await writeFile(join(home, 'SHA256SUMS'), data);
    await writeFile(join(home, 'SHA256SUMS.sig'), signature);
    const env = { ...process.env, GNUPGHOME: home };
    await run('gpg', ['--batch', '--quiet', '--import', join(home, 'key.asc')], { env });
    const { stderr } = await run('gpg', ['--batch', '--status-fd', '2', '--verify', join(home, 'SHA256SUMS.sig'), join(home, 'SHA256SUMS')], { env });
    return stderr;
  } finally {
    await rm(home, { recursive: true, force: true }).catch(() => {});
  }
}

/** The `terraform` remote of a config file in front of `fixture` and its files host, with `extra` keys (YAML lines) added. */
export function terraformRemoteYaml(fixture: FixtureRegistry, extra: readonly string[] = []): string {
  const keys = [`base_url: ${fixture.registry.url}`, `download_urls: [${fixture.files.url}]`, 'registry_hostname: registry.terraform.io', ...extra];
  return `  terraform:\n    type: remote\n    package: terraform\n${keys.map((key) => `    ${key}\n`).join('')}`;
}
