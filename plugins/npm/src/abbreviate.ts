import { versionEntries, type Packument, type VersionManifest } from './packument.js';

/** Version fields the abbreviated document keeps: what an installer needs to resolve and place a package. */
const CORGI_FIELDS = [
  'name',
  'version',
  'deprecated',
  'dependencies',
  'optionalDependencies',
  'devDependencies',
  'bundleDependencies',
  'bundledDependencies',
  'peerDependencies',
  'peerDependenciesMeta',
  'acceptDependencies',
  'bin',
  'directories',
  'engines',
  'os',
  'cpu',
  'libc',
  'dist',
  '_hasShrinkwrap',
  'hasInstallScript',
] as const;

const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'] as const;

function abbreviateVersion(manifest: VersionManifest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of CORGI_FIELDS) {
    if (manifest[field] !== undefined) out[field] = manifest[field];
  }
  // The registry derives this flag at publish; a full manifest carries the scripts it comes from.
  if (out.hasInstallScript === undefined) {
    const scripts = manifest.scripts as Record<string, unknown> | undefined;
    if (typeof scripts === 'object' && scripts !== null && INSTALL_SCRIPTS.some((s) => typeof scripts[s] === 'string')) {
      out.hasInstallScript = true;
    }
  }
  return out;
}

/**
 * The abbreviated ("corgi") packument npm asks for with
 * `Accept: application/vnd.npm.install-v1+json`: name, modified, dist-tags and the install
 * fields of each version. It has no `time`.
 */
export function abbreviate(doc: Packument): Record<string, unknown> {
  // fromEntries defines own properties, so a version named `__proto__` stays a version.
  const versions = Object.fromEntries(versionEntries(doc).map(([version, manifest]) => [version, abbreviateVersion(manifest)]));
  const out: Record<string, unknown> = { name: doc.name };
  const modified = doc.time?.modified;
  if (typeof modified === 'string') out.modified = modified;
  out['dist-tags'] = doc['dist-tags'] ?? {};
  out.versions = versions;
  return out;
}
