import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import type { UpstreamServer } from '@artifactapi/plugin-sdk/testkit';

/**
 * Fixture RPM repositories for the rpm tests: tiny noarch packages built with rpmbuild, indexed
 * with createrepo_c, and published on a loopback upstream under a distribution-like root
 * (`9/BaseOS/x86_64/os/`, packages under `Packages/t/`).
 */

const run = promisify(execFile);

/** Where the repository sits on the upstream, and under the proxy's remote. */
export const REPO_ROOT = '9/BaseOS/x86_64/os/';

/** A package to build: a name, a version, what it requires, and one file it installs. */
export interface PackageSpec {
  name: string;
  version: string;
  requires?: string[];
}

/** The two packages of the tests: tinyapp needs tinydep, so an install resolves a dependency. */
export const TINYAPP: PackageSpec = { name: 'tinyapp', version: '1.0', requires: ['tinydep'] };
export const TINYDEP: PackageSpec = { name: 'tinydep', version: '2.0' };

export function rpmFileName(spec: PackageSpec): string {
  return `${spec.name}-${spec.version}-1.noarch.rpm`;
}

/** The repository path of a package. */
export function packagePath(spec: PackageSpec): string {
  return `${REPO_ROOT}Packages/t/${rpmFileName(spec)}`;
}

/** Builds the packages with rpmbuild into `dir`; resolves with each package's bytes by name. */
export async function buildPackages(dir: string, specs: readonly PackageSpec[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const spec of specs) {
    const specFile = join(dir, `${spec.name}.spec`);
    await writeFile(specFile, specText(spec));
    await run('rpmbuild', ['--define', `_topdir ${join(dir, 'rpmbuild')}`, '--define', '_build_id_links none', '-bb', specFile], {
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    out.set(spec.name, await readFile(join(dir, 'rpmbuild', 'RPMS', 'noarch', rpmFileName(spec))));
  }
  return out;
}

function specText(spec: PackageSpec): string {
  return [
    `Name: ${spec.name}`,
    `Version: ${spec.version}`,
    'Release: 1',
    `Summary: ${spec.name} for the rpm tests`,
    'License: MIT',
    'BuildArch: noarch',
    ...(spec.requires ?? []).map((r) => `Requires: ${r}`),
    '%description',
    `${spec.name} is a fixture package.`,
    '%install',
    `mkdir -p %{buildroot}/usr/share/${spec.name}`,
    `echo ${spec.name}-${spec.version} > %{buildroot}/usr/share/${spec.name}/version.txt`,
    '%files',
    `/usr/share/${spec.name}/version.txt`,
    '',
  ].join('\n');
}

/** One package of a repository snapshot, with the file time createrepo_c records for it. */
export interface RepoPackage {
  spec: PackageSpec;
  bytes: Buffer;
  /** The file's mtime, which createrepo_c writes as `<time file>`. Default: now. */
  fileTime?: Date;
}

/** A built repository: every file by its repository path (without the root). */
export type RepoFiles = Map<string, Buffer>;

/** Writes the packages into a fresh directory and runs createrepo_c over it. */
export async function createRepo(packages: readonly RepoPackage[]): Promise<RepoFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'aapi-rpm-repo-'));
  try {
    await mkdir(join(dir, 'Packages', 't'), { recursive: true });
    for (const p of packages) {
      const file = join(dir, 'Packages', 't', rpmFileName(p.spec));
      await writeFile(file, p.bytes);
      if (p.fileTime) await utimes(file, p.fileTime, p.fileTime);
    }
    await run('createrepo_c', ['--quiet', dir], { timeout: 120_000 });
    const files: RepoFiles = new Map();
    for (const file of await walk(dir)) files.set(relative(dir, file), await readFile(file));
    return files;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else out.push(full);
  }
  return out;
}

/**
 * Makes the upstream serve exactly this snapshot under REPO_ROOT, the way a mirror sync with
 * deletion does: new files, a new repomd.xml, and the previous snapshot's files gone.
 */
export function publish(upstream: UpstreamServer, files: RepoFiles, previous?: RepoFiles): void {
  for (const [path, bytes] of files) upstream.setFile(`/${REPO_ROOT}${path}`, { body: bytes, lastModified: null });
  for (const path of previous?.keys() ?? []) if (!files.has(path)) upstream.deleteFile(`/${REPO_ROOT}${path}`);
}

/** The metadata files a repomd.xml lists, by type (`primary`, `filelists`, `primary_db`…). */
export function listedMetadata(files: RepoFiles): Map<string, string> {
  const repomd = files.get('repodata/repomd.xml')!.toString();
  const out = new Map<string, string>();
  for (const m of repomd.matchAll(/<data type="([^"]+)">[\s\S]*?<location href="([^"]+)"/g)) out.set(m[1]!, m[2]!);
  return out;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A config with one rpm remote named `alma` on `baseUrl`, plus extra lines for its block. */
export function rpmConfig(baseUrl: string, extra = ''): string {
  return `
auth: { admin_token: rpm-test-token }
remotes:
  alma:
    type: remote
    package: rpm
    base_url: ${baseUrl}
${extra.replace(/^/gm, '    ')}
`;
}
