/**
 * Names of the provider registry protocol: namespaces, types, versions, platforms and the file
 * names `goreleaser` (and so every provider release) uses. Pure functions, no I/O.
 */

/** A namespace or provider type as registries accept them (lower-case by convention; upper case tolerated). */
export const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** A version as Terraform parses it: semver, optional pre-release / build. */
export const VERSION = /^[0-9]+\.[0-9]+\.[0-9]+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
/** An os or arch: `linux`, `darwin`, `amd64`, `arm64`, `386`… */
export const PLATFORM_PART = /^[a-z0-9]{1,32}$/;

/** A provider archive's parts, from `terraform-provider-{type}_{version}_{os}_{arch}.zip`. */
export interface ArchiveName {
  type: string;
  version: string;
  os: string;
  arch: string;
}

const ARCHIVE = /^terraform-provider-([A-Za-z0-9][A-Za-z0-9_-]*?)_([0-9][^_]*)_([a-z0-9]+)_([a-z0-9]+)\.zip$/;

/** The parts of a provider archive's file name, or undefined when it is not one. */
export function parseArchiveName(fileName: string): ArchiveName | undefined {
  const m = ARCHIVE.exec(fileName);
  if (!m || !VERSION.test(m[2]!)) return undefined;
  return { type: m[1]!, version: m[2]!, os: m[3]!, arch: m[4]! };
}

/** `terraform-provider-{type}_{version}_{os}_{arch}.zip`. */
export function archiveName(a: ArchiveName): string {
  return `terraform-provider-${a.type}_${a.version}_${a.os}_${a.arch}.zip`;
}

/** The checksum file a release publishes beside its archives: `terraform-provider-{type}_{version}_SHA256SUMS`. */
export function shasumsName(type: string, version: string): string {
  return `terraform-provider-${type}_${version}_SHA256SUMS`;
}

/** Orders versions as semver does (pre-releases before their release; build metadata ignored). */
export function compareVersions(a: string, b: string): number {
  const [coreA = '', preA] = a.split('+', 1)[0]!.split(/-(.*)/s, 2);
  const [coreB = '', preB] = b.split('+', 1)[0]!.split(/-(.*)/s, 2);
  const na = coreA.split('.').map(Number);
  const nb = coreB.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((na[i] ?? 0) !== (nb[i] ?? 0)) return (na[i] ?? 0) - (nb[i] ?? 0);
  if (preA === undefined || preB === undefined) return preA === preB ? 0 : preA === undefined ? 1 : -1;
  const pa = preA.split('.');
  const pb = preB.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    if (x === y) continue;
    const nx = /^\d+$/.test(x) ? Number(x) : undefined;
    const ny = /^\d+$/.test(y) ? Number(y) : undefined;
    if (nx !== undefined && ny !== undefined) return nx - ny;
    if (nx !== undefined || ny !== undefined) return nx !== undefined ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}
