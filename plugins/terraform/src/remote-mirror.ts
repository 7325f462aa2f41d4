import { parseJsonDocument, type EngineService, type RepositoryRef, type ServedArtifact } from '@artifactapi/plugin-sdk';
import { HASHES_PREFIX } from './classify.js';
import { DOWNLOAD_PREFIX, splitFile } from './download-location.js';
import { combineOrigins, notFound, TerraformError, type DocumentOrigin } from './http-reply.js';
import { NAME, VERSION } from './provider-names.js';
import { parseShasums } from './shasums.js';
import type { ArchiveHashes } from './zip-hashes.js';

/** A network mirror request below `mirror/`. */
export type MirrorPath =
  | { kind: 'index'; hostname: string; namespace: string; type: string }
  | { kind: 'version'; hostname: string; namespace: string; type: string; version: string };

/** Parses `{hostname}/{ns}/{type}/index.json` and `{hostname}/{ns}/{type}/{version}.json`. */
export function parseMirrorPath(rest: string): MirrorPath | undefined {
  const parts = rest.split('/');
  if (parts.length !== 4) return undefined;
  const [hostname = '', namespace = '', type = '', file = ''] = parts;
  if (!/^[a-z0-9.-]+(:[0-9]+)?$/i.test(hostname) || !NAME.test(namespace) || !NAME.test(type) || !file.endsWith('.json')) return undefined;
  if (file === 'index.json') return { kind: 'index', hostname, namespace, type };
  const version = file.slice(0, -'.json'.length);
  return VERSION.test(version) ? { kind: 'version', hostname, namespace, type, version } : undefined;
}

/** The origin registry a remote repository mirrors: `registry_hostname`, else base_url's host. */
export function mirroredHostname(repo: RepositoryRef): string {
  const option = repo.options.registry_hostname;
  return (typeof option === 'string' && option !== '' ? option : new URL(repo.baseUrl).host).toLowerCase();
}

interface Platform {
  os: string;
  arch: string;
}

/**
 * The provider network mirror protocol over a remote repository's registry protocol: the
 * version list from `versions`, and for a version each platform's archive (through the proxy)
 * with `zh:` (its line in the release's SHA256SUMS) and `h1:` (computed from the verified
 * archive in the worker pool). Every document comes through the cache, so a warm mirror answers
 * with no upstream request and through an outage.
 */
export class RemoteMirror {
  constructor(private readonly engine: EngineService) {}

  /** `index.json`: `{versions: {"1.2.3": {}}}`. */
  async index(repo: RepositoryRef, at: MirrorPath, publicBase: string): Promise<{ doc: object; origin: DocumentOrigin }> {
    const { versions, origin } = await this.versions(repo, at, publicBase);
    return { doc: { versions: Object.fromEntries([...versions.keys()].map((v) => [v, {}])) }, origin };
  }

  /** `{version}.json`: `{archives: {"linux_amd64": {url, hashes: [h1, zh]}}}`. */
  async version(repo: RepositoryRef, at: Extract<MirrorPath, { kind: 'version' }>, publicBase: string): Promise<{ doc: object; origin: DocumentOrigin }> {
    const { versions, origin } = await this.versions(repo, at, publicBase);
    const platforms = versions.get(at.version);
    if (!platforms) throw notFound(`${at.hostname}/${at.namespace}/${at.type} has no version ${at.version}`);
    const origins = [origin];
    const archives: Record<string, { url: string; hashes: string[] }> = {};
    for (const platform of platforms) {
      const archive = await this.archive(repo, at, platform, publicBase, origins);
      // Relative to this document ({base}/mirror/{host}/{ns}/{type}/): up four levels is {base}/.
      archives[`${platform.os}_${platform.arch}`] = { url: `../../../../${archive.path}`, hashes: [archive.hashes.h1, archive.hashes.zh] };
    }
    return { doc: { archives }, origin: combineOrigins(origins) };
  }

  private async versions(repo: RepositoryRef, at: MirrorPath, publicBase: string): Promise<{ versions: Map<string, Platform[]>; origin: DocumentOrigin }> {
    if (at.hostname.toLowerCase() !== mirroredHostname(repo)) throw notFound(`${repo.name} mirrors ${mirroredHostname(repo)}, not ${at.hostname}`);
    const { body, origin } = await this.document(repo, `v1/providers/${at.namespace}/${at.type}/versions`, publicBase);
    const doc = parseJsonDocument(body, 'provider versions document') as { versions?: unknown };
    const versions = new Map<string, Platform[]>();
    for (const entry of Array.isArray(doc?.versions) ? (doc.versions as unknown[]) : []) {
      const { version, platforms } = (entry ?? {}) as { version?: unknown; platforms?: unknown };
      if (typeof version !== 'string' || !VERSION.test(version)) continue;
      const list = (Array.isArray(platforms) ? platforms : []).filter(
        (p): p is Platform => typeof (p as Platform)?.os === 'string' && typeof (p as Platform)?.arch === 'string' && /^[a-z0-9]+$/.test((p as Platform).os) && /^[a-z0-9]+$/.test((p as Platform).arch),
      );
      versions.set(version, list);
    }
    return { versions, origin };
  }

  /** One platform's archive: its proxy path and hashes, the archive checked against SHA256SUMS on the way. */
  private async archive(repo: RepositoryRef, at: Extract<MirrorPath, { kind: 'version' }>, platform: Platform, publicBase: string, origins: DocumentOrigin[]): Promise<{ path: string; hashes: ArchiveHashes }> {
    const downloadPath = `v1/providers/${at.namespace}/${at.type}/${at.version}/download/${platform.os}/${platform.arch}`;
    const download = await this.document(repo, downloadPath, publicBase);
    origins.push(download.origin);
    const doc = parseJsonDocument(download.body, 'provider download document') as Record<string, unknown>;
    const path = proxiedPath(doc.download_url, publicBase);
    const sumsPath = proxiedPath(doc.shasums_url, publicBase);
    const filename = typeof doc.filename === 'string' ? doc.filename : path && splitFile(path).file;
    if (!path || !sumsPath || !filename) throw upstreamDocument(`${downloadPath}: the archive or SHA256SUMS is not on a download host of ${repo.name}`);
    const sums = await this.document(repo, sumsPath, publicBase);
    origins.push(sums.origin);
    const listed = parseShasums(sums.body).get(filename);
    if (!listed) throw upstreamDocument(`${sumsPath} does not list ${filename}`);
    if (typeof doc.shasum === 'string' && doc.shasum.toLowerCase() !== listed) throw digestMismatch(`${downloadPath}: shasum ${doc.shasum} disagrees with ${sumsPath} (${listed})`);
    // The archive through the cache first, so it is verified against SHA256SUMS before it is hashed.
    const served = await this.engine.get(repo.name, path, { publicBase });
    origins.push(served);
    served.discard();
    const hashed = await this.document(repo, HASHES_PREFIX + path, publicBase);
    const hashes = parseJsonDocument(hashed.body, 'archive hashes') as ArchiveHashes;
    if (hashes.zh !== `zh:${listed}`) throw digestMismatch(`${path}: sha256 ${hashes.zh.slice(3)} disagrees with ${sumsPath} (${listed})`);
    return { path, hashes };
  }

  private async document(repo: RepositoryRef, path: string, publicBase: string): Promise<{ body: Buffer; origin: DocumentOrigin }> {
    const served: ServedArtifact = await this.engine.get(repo.name, path, { publicBase });
    return { body: await this.engine.read(served), origin: { cache: served.cache, source: served.source } };
  }
}

/** The repository path of a URL the rewritten download document gives, when it points at the proxy. */
function proxiedPath(url: unknown, publicBase: string): string | undefined {
  if (typeof url !== 'string' || !url.startsWith(`${publicBase}/${DOWNLOAD_PREFIX}`)) return undefined;
  return url.slice(publicBase.length + 1);
}

function upstreamDocument(message: string): TerraformError {
  return new TerraformError('AAPI_ERR_UPSTREAM_DOCUMENT', 502, message);
}

function digestMismatch(message: string): TerraformError {
  return new TerraformError('AAPI_ERR_UPSTREAM_DIGEST', 502, message);
}
