import type { EngineService, StoredObject } from '@artifactapi/plugin-sdk';
import { parseLocalArchivePath, type RegistryPath } from './classify.js';
import { notFound } from './http-reply.js';
import { archiveName, compareVersions } from './provider-names.js';
import { formatShasums } from './shasums.js';
import { signDetached, type SigningKey } from './signing-key.js';

/** One uploaded archive of a local registry. */
export interface LocalArchive {
  path: string;
  file: string;
  version: string;
  os: string;
  arch: string;
  sha256: string;
  storedAt: number;
}

/**
 * A local repository as a provider registry: versions, download documents, SHA256SUMS and their
 * signatures are all derived from the archives uploaded under `{namespace}/{type}/`, so an upload
 * (or a DELETE) is visible at once on every replica with nothing else to keep in step.
 */
export class LocalRegistry {
  constructor(
    private readonly engine: EngineService,
    private readonly protocols: readonly string[],
  ) {}

  /** Every archive of a provider. */
  async archives(repo: string, namespace: string, type: string): Promise<LocalArchive[]> {
    const found: LocalArchive[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.engine.list(repo, { prefix: `${namespace}/${type}/`, limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const object of page.objects) {
        const archive = archiveOf(object);
        if (archive) found.push(archive);
      }
      cursor = page.nextCursor;
    } while (cursor);
    return found;
  }

  /** `GET …/versions`: `{versions: [{version, protocols, platforms}]}`, oldest first. */
  async versions(repo: string, at: Extract<RegistryPath, { kind: 'versions' }>): Promise<object> {
    const archives = await this.archives(repo, at.namespace, at.type);
    if (archives.length === 0) throw notFound(`provider ${at.namespace}/${at.type} has no uploaded versions in ${repo}`);
    const byVersion = new Map<string, { os: string; arch: string }[]>();
    for (const a of archives) byVersion.set(a.version, [...(byVersion.get(a.version) ?? []), { os: a.os, arch: a.arch }]);
    const versions = [...byVersion.keys()].sort(compareVersions).map((version) => ({ version, protocols: this.protocols, platforms: byVersion.get(version) }));
    return { versions };
  }

  /**
   * `GET …/{version}/download/{os}/{arch}`: where the archive (`publicBase`, the repository's own
   * URL) and its signed checksums (`registryBase`, the plugin's registry URL) are.
   */
  async download(repo: string, at: Extract<RegistryPath, { kind: 'download' }>, bases: { publicBase: string; registryBase: string }, key: SigningKey): Promise<object> {
    const file = archiveName({ type: at.type, version: at.version, os: at.os, arch: at.arch });
    const archive = (await this.archives(repo, at.namespace, at.type)).find((a) => a.file === file);
    if (!archive) throw notFound(`${at.namespace}/${at.type} ${at.version} has no ${at.os}_${at.arch} archive in ${repo}`);
    const release = `${bases.registryBase}/v1/providers/${at.namespace}/${at.type}/${at.version}`;
    return {
      protocols: this.protocols,
      os: at.os,
      arch: at.arch,
      filename: file,
      download_url: `${bases.publicBase}/${archive.path}`,
      shasums_url: `${release}/SHA256SUMS`,
      shasums_signature_url: `${release}/SHA256SUMS.sig`,
      shasum: archive.sha256,
      signing_keys: { gpg_public_keys: [{ key_id: key.keyId, ascii_armor: key.publicArmored, trust_signature: '', source: 'ArtifactAPI', source_url: null }] },
    };
  }

  /** The release's SHA256SUMS and the time of its newest archive (the signature's date). */
  async shasums(repo: string, at: { namespace: string; type: string; version: string }): Promise<{ body: Buffer; newest: number }> {
    const archives = (await this.archives(repo, at.namespace, at.type)).filter((a) => a.version === at.version);
    if (archives.length === 0) throw notFound(`${at.namespace}/${at.type} has no version ${at.version} in ${repo}`);
    const body = Buffer.from(formatShasums(new Map(archives.map((a) => [a.file, a.sha256]))), 'utf8');
    return { body, newest: Math.max(...archives.map((a) => a.storedAt)) };
  }

  /**
   * The detached binary signature of the release's SHA256SUMS. Dated at its newest archive (or the
   * key's creation, if later), so every replica makes the same bytes for the same SUMS.
   */
  async signature(repo: string, at: { namespace: string; type: string; version: string }, key: SigningKey): Promise<Uint8Array> {
    const { body, newest } = await this.shasums(repo, at);
    const created = key.privateKey.getCreationTime().getTime();
    return signDetached(key, body, new Date(Math.max(newest, created) - (Math.max(newest, created) % 1000)));
  }
}

function archiveOf(object: StoredObject): LocalArchive | undefined {
  const parsed = parseLocalArchivePath(object.path);
  if (!parsed || !object.digest.startsWith('sha256:')) return undefined;
  return { path: object.path, file: parsed.file, version: parsed.version, os: parsed.os, arch: parsed.arch, sha256: object.digest.slice(7), storedAt: object.storedAt };
}
