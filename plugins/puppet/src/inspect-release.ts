import { normaliseBase, type ArtifactFacts, type ExpectedDigest, type InspectContext } from '@artifactapi/plugin-sdk';
import { createdAt, isRecord, parseForgeDocument, type ForgeObject } from './forge-json.js';

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
const MD5_HEX = /^[0-9a-fA-F]{32}$/;

/**
 * Inspector task for `forge-release` (runs in the worker pool): the release's tarball, keyed by
 * its conventional path `v3/files/{slug}.tar.gz` and by the path of its `file_uri`, must hash to `file_sha256`, or to `file_md5` when the
 * Forge gives no sha256 (as puppet itself checks); `created_at` dates it for quarantine.
 */
export function inspectForgeRelease(input: { body: Uint8Array; ctx: InspectContext }): Record<string, ArtifactFacts> {
  const { body, ctx } = input;
  const release = parseForgeDocument(body, ctx.path);
  const facts: ArtifactFacts = { version: versionOf(release) };
  const digest = digestOf(release);
  if (digest) facts.digests = [digest];
  const created = createdAt(release);
  if (created !== undefined) facts.publishedAt = new Date(created).toISOString();
  // The tarball the release's slug names (what indexOf maps back here), and wherever its file_uri points.
  const out: Record<string, ArtifactFacts> = {};
  const slug = /^v3\/releases\/([^/]+)$/.exec(ctx.path);
  if (slug) out[`v3/files/${slug[1]}.tar.gz`] = facts;
  const listed = tarballPath(release.file_uri, normaliseBase(ctx.upstreamBase));
  if (listed !== undefined) out[listed] = facts;
  return out;
}

/** The repository path of a `file_uri`: root-relative (`/v3/files/…`), or absolute below the upstream's base. */
function tarballPath(fileUri: unknown, base: string): string | undefined {
  if (typeof fileUri !== 'string') return undefined;
  if (fileUri.startsWith('/') && !fileUri.startsWith('//')) return clean(fileUri.slice(1));
  if (fileUri.startsWith(`${base}/`)) return clean(fileUri.slice(base.length + 1));
  return undefined;
}

function clean(path: string): string | undefined {
  const bare = path.split(/[?#]/, 1)[0] ?? '';
  // A path that climbs (`..`, or a backslash, a slash to URL parsers) names no file below v3/files/.
  if (bare.includes('\\') || bare.split('/').some((s) => s === '..' || s === '.')) return undefined;
  return bare.startsWith('v3/files/') ? bare : undefined;
}

function digestOf(release: ForgeObject): ExpectedDigest | undefined {
  const { file_sha256: sha256, file_md5: md5 } = release;
  if (typeof sha256 === 'string' && SHA256_HEX.test(sha256)) return { algorithm: 'sha256', hex: sha256.toLowerCase() };
  if (typeof md5 === 'string' && MD5_HEX.test(md5)) return { algorithm: 'md5', hex: md5.toLowerCase() };
  return undefined;
}

/** `owner-name@version` for 451 messages. */
function versionOf(release: ForgeObject): string {
  const module = isRecord(release.module) ? release.module.slug : undefined;
  const metadata = isRecord(release.metadata) ? release.metadata : {};
  const name = typeof module === 'string' ? module : typeof metadata.name === 'string' ? metadata.name : '?';
  const version = typeof release.version === 'string' ? release.version : typeof metadata.version === 'string' ? metadata.version : '?';
  return `${name}@${version}`;
}
