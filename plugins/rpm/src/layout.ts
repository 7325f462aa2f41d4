/**
 * Where things are in an RPM repository (createrepo_c's layout). A remote may hold many
 * repositories under one base_url (`9/BaseOS/x86_64/os/`, `9/AppStream/x86_64/os/`), so every
 * path is resolved against its own repository root: the folder that holds `repodata/`.
 */

export const REPOMD = 'repodata/repomd.xml';

/** The index kinds: repomd.xml (lists the metadata files) and primary.xml (lists the packages). */
export const REPOMD_INDEX = 'rpm-repomd';
export const PRIMARY_INDEX = 'rpm-primary';

/** The repomd `<data type>` whose file lists every package with its checksum. */
export const PRIMARY_ROLE = 'primary';

/** `…/repodata/<file>`: the root before `repodata/` (empty or ending in `/`) and the file name. */
export function repodataFile(path: string): { root: string; file: string } | undefined {
  const at = path.lastIndexOf('repodata/');
  if (at < 0 || (at > 0 && path[at - 1] !== '/')) return undefined;
  const file = path.slice(at + 'repodata/'.length);
  if (file.length === 0 || file.includes('/')) return undefined;
  return { root: path.slice(0, at), file };
}

/**
 * The repository root of a package path. Distribution trees put packages under `Packages/`
 * (`os/Packages/b/bash-….rpm`, `Everything/x86_64/Packages/e/…`), so the root is what precedes
 * the last `Packages/` folder; a flat createrepo directory has them next to `repodata/`.
 */
export function packageRoot(path: string): string {
  const segments = path.split('/');
  const at = segments.lastIndexOf('Packages', segments.length - 2);
  const rootSegments = at >= 0 ? segments.slice(0, at) : segments.slice(0, -1);
  return rootSegments.length === 0 ? '' : `${rootSegments.join('/')}/`;
}

/** The repository root of an index document's path (`<root>repodata/…`). */
export function rootOfIndex(indexPath: string): string {
  return repodataFile(indexPath)?.root ?? '';
}
