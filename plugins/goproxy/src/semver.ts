/**
 * Orders Go module versions (semver with a leading `v`): by major, minor, patch, then a release
 * after its pre-releases, pre-release identifiers compared as semver says. Strings that are not
 * versions sort after all versions, by code unit. Versions semver ranks equal (`v1.0.0+a` and
 * `v1.0.0+b`, `v01.0.0` and `v1.0.0`) are ordered by code unit too, so a merged list's bytes do
 * not depend on the members' order.
 */
export function compareVersions(a: string, b: string): number {
  return semverOrder(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

function semverOrder(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) return pa ? -1 : pb ? 1 : a < b ? -1 : a > b ? 1 : 0;
  for (let i = 0; i < 3; i++) {
    const d = pa.core[i]! - pb.core[i]!;
    if (d !== 0) return Math.sign(d);
  }
  if (pa.pre.length === 0 || pb.pre.length === 0) return pb.pre.length - pa.pre.length === 0 ? 0 : pa.pre.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.min(pa.pre.length, pb.pre.length); i++) {
    const d = compareIdentifier(pa.pre[i]!, pb.pre[i]!);
    if (d !== 0) return d;
  }
  return Math.sign(pa.pre.length - pb.pre.length);
}

function parse(v: string): { core: number[]; pre: string[] } | undefined {
  const m = /^v(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(v);
  if (!m) return undefined;
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ? m[4].split('.') : [] };
}

function compareIdentifier(a: string, b: string): number {
  const na = /^\d+$/.test(a);
  const nb = /^\d+$/.test(b);
  if (na && nb) return Math.sign(Number(a) - Number(b));
  if (na !== nb) return na ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
