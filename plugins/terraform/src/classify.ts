import { joinUpstream, type Classification, type HookContext } from '@artifactapi/plugin-sdk';
import { DOWNLOAD_PREFIX, downloadOrigins, downloadUrlOf, splitFile } from './download-location.js';
import { NAME, PLATFORM_PART, VERSION, parseArchiveName, shasumsName } from './provider-names.js';

/** Index kind of a `…/{version}/download/{os}/{arch}` document: its file URLs are rewritten to the proxy. */
export const TF_DOWNLOAD = 'terraform-download';
/** Index kind of a release's SHA256SUMS: read (never rewritten) to verify the archives it lists. */
export const TF_SHASUMS = 'terraform-shasums';
/** Index kind of `-/h1/{archive}`: the archive itself, answered as its `h1:` / `zh:` hashes. */
export const TF_ARCHIVE_HASHES = 'terraform-archive-hashes';
/** Prefix of the hashes of an archive the repository proxies (`-/h1/` + the archive's path). */
export const HASHES_PREFIX = '-/h1/';
/** Where a local repository keeps its signing key: a `.` segment no HTTP request can carry. */
export const SIGNING_KEY_PATH = './terraform-signing-key.asc';

const JSON_TYPE = 'application/json';
const VERSIONS: Classification = Object.freeze({ cache: 'mutable', contentType: JSON_TYPE });
const DOWNLOAD: Classification = Object.freeze({ cache: 'immutable', index: TF_DOWNLOAD, contentType: JSON_TYPE });
const ARCHIVE: Classification = Object.freeze({ cache: 'immutable', contentType: 'application/zip' });
const SHASUMS: Classification = Object.freeze({ cache: 'immutable', index: TF_SHASUMS, contentType: 'text/plain; charset=utf-8' });
const SIGNATURE: Classification = Object.freeze({ cache: 'immutable', contentType: 'application/octet-stream' });
const SIGNING_KEY: Classification = Object.freeze({ cache: 'immutable', contentType: 'application/pgp-keys' });

/** A registry protocol path below `v1/providers/`. */
export type RegistryPath =
  | { kind: 'versions'; namespace: string; type: string }
  | { kind: 'download'; namespace: string; type: string; version: string; os: string; arch: string }
  | { kind: 'shasums' | 'signature'; namespace: string; type: string; version: string };

/** Parses `v1/providers/{ns}/{type}/versions`, `…/{version}/download/{os}/{arch}` and (local) `…/{version}/SHA256SUMS[.sig]`. */
export function parseRegistryPath(path: string): RegistryPath | undefined {
  const parts = path.split('/');
  if (parts[0] !== 'v1' || parts[1] !== 'providers') return undefined;
  const [, , namespace = '', type = '', ...rest] = parts;
  if (!NAME.test(namespace) || !NAME.test(type)) return undefined;
  if (rest.length === 1 && rest[0] === 'versions') return { kind: 'versions', namespace, type };
  const [version = '', what, os = '', arch = ''] = rest;
  if (!VERSION.test(version)) return undefined;
  if (rest.length === 4 && what === 'download' && PLATFORM_PART.test(os) && PLATFORM_PART.test(arch)) return { kind: 'download', namespace, type, version, os, arch };
  if (rest.length === 2 && what === 'SHA256SUMS') return { kind: 'shasums', namespace, type, version };
  if (rest.length === 2 && what === 'SHA256SUMS.sig') return { kind: 'signature', namespace, type, version };
  return undefined;
}

/** A local repository's upload path `{namespace}/{type}/terraform-provider-{type}_{version}_{os}_{arch}.zip`. */
export function parseLocalArchivePath(path: string): { namespace: string; type: string; version: string; os: string; arch: string; file: string } | undefined {
  const parts = path.split('/');
  if (parts.length !== 3) return undefined;
  const [namespace = '', type = '', file = ''] = parts;
  const archive = parseArchiveName(file);
  if (!NAME.test(namespace) || !NAME.test(type) || !archive || archive.type !== type) return undefined;
  return { namespace, type, version: archive.version, os: archive.os, arch: archive.arch, file };
}

/** How the engine treats a path of a terraform repository (remote: registry protocol + proxied files; local: uploads). */
export function classifyTerraformPath(path: string, ctx: HookContext): Classification {
  if (ctx.repo.kind === 'local') return classifyLocal(path);
  const registry = parseRegistryPath(path);
  if (registry?.kind === 'versions') return VERSIONS;
  if (registry?.kind === 'download') return DOWNLOAD;
  if (path.startsWith(HASHES_PREFIX)) {
    const archive = path.slice(HASHES_PREFIX.length);
    const file = classifyDownload(archive, ctx);
    if (file !== ARCHIVE) return { cache: 'deny', reason: 'hashes are computed for provider archives only' };
    return { cache: 'immutable', index: TF_ARCHIVE_HASHES, cacheKey: archive, contentType: JSON_TYPE };
  }
  if (path.startsWith(DOWNLOAD_PREFIX)) return classifyDownload(path, ctx);
  return { cache: 'deny', reason: 'not a path of the provider registry protocol (v1/providers/…) or a provider file it names' };
}

function classifyDownload(path: string, ctx: HookContext): Classification {
  if (!path.startsWith(DOWNLOAD_PREFIX) || downloadUrlOf(path, downloadOrigins(ctx.repo.baseUrl, ctx.repo.options)) === undefined) {
    return { cache: 'deny', reason: 'not a download host of this repository (base_url or download_urls)' };
  }
  const { file } = splitFile(path);
  if (file.endsWith('.zip')) return ARCHIVE;
  if (file.endsWith('SHA256SUMS')) return SHASUMS;
  if (file.endsWith('.sig')) return SIGNATURE;
  return { cache: 'deny', reason: 'only provider archives, SHA256SUMS and their signatures are proxied' };
}

function classifyLocal(path: string): Classification {
  if (path === SIGNING_KEY_PATH) return SIGNING_KEY;
  if (parseLocalArchivePath(path)) return ARCHIVE;
  return { cache: 'deny', reason: 'upload provider archives as {namespace}/{type}/terraform-provider-{type}_{version}_{os}_{arch}.zip' };
}

/** The upstream URL of a path: provider files on their own hosts, the registry protocol under base_url. */
export function terraformUpstreamUrl(path: string, ctx: HookContext): string {
  const file = path.startsWith(HASHES_PREFIX) ? path.slice(HASHES_PREFIX.length) : path;
  if (file.startsWith(DOWNLOAD_PREFIX)) {
    const url = downloadUrlOf(file, downloadOrigins(ctx.repo.baseUrl, ctx.repo.options));
    if (url === undefined) throw new Error(`${path}: not a download host of this repository`);
    return url;
  }
  return joinUpstream(path, ctx);
}

/** A proxied archive is verified against the SHA256SUMS of its release, published beside it. */
export function terraformIndexOf(path: string, ctx: HookContext): { path: string; index: string } | undefined {
  if (ctx.repo.kind !== 'remote' || !path.startsWith(DOWNLOAD_PREFIX)) return undefined;
  const { dir, file } = splitFile(path);
  const archive = parseArchiveName(file);
  return archive && { path: dir + shasumsName(archive.type, archive.version), index: TF_SHASUMS };
}
