import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { startUpstream, type UpstreamServer } from '@artifactapi/plugin-sdk/testkit';
import { tarOf } from './helpers/tar-archive.js';
import type { Teardown } from './helpers/teardown.js';

/** One module release the fixture Forge serves. */
export interface FixtureRelease {
  owner: string;
  name: string;
  version: string;
  dependencies: { name: string; version_requirement: string }[];
  /** When the Forge says it was published. */
  createdAt: Date;
  /** Leave `file_sha256` out, as old Forge releases do: clients and the proxy check `file_md5`. */
  md5Only?: boolean;
}

/** A release with its tarball and the JSON the Forge returns for it. */
export interface BuiltRelease extends FixtureRelease {
  slug: string;
  tarball: Buffer;
  sha256: string;
  md5: string;
}

/** What every fixture Forge in these tests holds: acme-app (three releases, two list pages) needs acme-lib. */
export function fixtureReleases(youngApp = false): FixtureRelease[] {
  const old = new Date('2020-03-01T10:00:00Z');
  const app = (version: string, createdAt: Date): FixtureRelease => ({
    owner: 'acme',
    name: 'app',
    version,
    createdAt,
    dependencies: [{ name: 'acme/lib', version_requirement: '>= 1.0.0 < 3.0.0' }],
  });
  return [
    app('1.0.0', old),
    app('1.1.0', new Date('2021-06-01T10:00:00Z')),
    app('1.2.0', youngApp ? new Date(Date.now() - 3_600_000) : new Date('2022-01-01T10:00:00Z')),
    { owner: 'acme', name: 'lib', version: '1.0.0', createdAt: old, dependencies: [] },
    { owner: 'acme', name: 'lib', version: '2.0.0', createdAt: old, dependencies: [], md5Only: true },
  ];
}

/** A module tarball as `puppet module build` lays it out: `{owner}-{name}-{version}/metadata.json` and a manifest. */
export async function moduleTarball(release: FixtureRelease): Promise<Buffer> {
  const top = `${release.owner}-${release.name}-${release.version}`;
  const files = {
    [`${top}/metadata.json`]: `${JSON.stringify(metadataOf(release), null, 2)}\n`,
    [`${top}/manifests/init.pp`]: `class ${release.name} {\n  notice('${top}')\n}\n`,
  };
  return gzipSync(await tarOf(files, new Date(Date.UTC(2024, 0, 1))));
}

function metadataOf(release: FixtureRelease): Record<string, unknown> {
  return {
    name: `${release.owner}-${release.name}`,
    version: release.version,
    author: release.owner,
    summary: `fixture module ${release.name}`,
    license: 'Apache-2.0',
    source: 'https://example.invalid/source',
    dependencies: release.dependencies,
  };
}

export async function buildReleases(releases: readonly FixtureRelease[]): Promise<BuiltRelease[]> {
  return Promise.all(
    releases.map(async (r) => {
      const tarball = await moduleTarball(r);
      return {
        ...r,
        slug: `${r.owner}-${r.name}-${r.version}`,
        tarball,
        sha256: createHash('sha256').update(tarball).digest('hex'),
        md5: createHash('md5').update(tarball).digest('hex'),
      };
    }),
  );
}

/** The Forge's own timestamp form, `2020-03-01 02:00:00 -0800`. */
export function forgeTimestamp(date: Date): string {
  const pst = new Date(date.getTime() - 8 * 3_600_000);
  return `${pst.toISOString().slice(0, 19).replace('T', ' ')} -0800`;
}

export interface ForgeOptions {
  /** Page size of `/v3/releases` when the client sends no `limit` (the real Forge uses 20). */
  pageSize?: number;
  /** Write `file_uri` and pagination links as absolute URLs, as some Forge implementations do. */
  absolute?: boolean;
}

export interface FixtureForge {
  upstream: UpstreamServer;
  releases: BuiltRelease[];
  /** `/v3/releases` requests seen, with their query. */
  listRequests: URLSearchParams[];
  /** Serves other bytes than the release JSON promises for a release's tarball; returns them. */
  tamper(slug: string): Buffer;
}

/** A Forge v3 API on loopback: paginated `/v3/releases?module=`, releases, modules and tarballs. */
export async function startForge(t: Teardown, releases: BuiltRelease[], options: ForgeOptions = {}): Promise<FixtureForge> {
  const upstream = await startUpstream();
  t.teardown(() => upstream.close());
  const link = (path: string) => (options.absolute ? `${upstream.url}${path}` : path);
  const releaseJson = (r: BuiltRelease) => releaseDocument(r, link);
  const listRequests: URLSearchParams[] = [];

  for (const r of releases) {
    upstream.setFile(`/v3/releases/${r.slug}`, { body: JSON.stringify(releaseJson(r)), contentType: 'application/json' });
    upstream.setFile(`/v3/files/${r.slug}.tar.gz`, { body: r.tarball, contentType: 'application/octet-stream' });
  }
  upstream.setHandler('/v3/releases', (req: IncomingMessage, res: ServerResponse) => {
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    listRequests.push(query);
    const module = query.get('module');
    const limit = Number(query.get('limit') ?? options.pageSize ?? 2);
    const offset = Number(query.get('offset') ?? 0);
    const matching = releases.filter((r) => `${r.owner}-${r.name}` === module).sort((a, b) => compareVersions(b.version, a.version));
    const page = matching.slice(offset, offset + limit).map((r) => withoutFields(releaseJson(r), query.get('exclude_fields')));
    const pageLink = (at: number) => {
      const q = new URLSearchParams(query);
      q.set('limit', String(limit));
      q.set('offset', String(at));
      return link(`/v3/releases?${q.toString()}`);
    };
    const body = {
      pagination: {
        limit,
        offset,
        first: pageLink(0),
        previous: offset > 0 ? pageLink(Math.max(0, offset - limit)) : null,
        current: pageLink(offset),
        next: offset + limit < matching.length ? pageLink(offset + limit) : null,
        total: matching.length,
      },
      results: page,
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  return {
    upstream,
    releases,
    listRequests,
    tamper(slug) {
      const r = releases.find((x) => x.slug === slug);
      if (!r) throw new Error(`no release ${slug}`);
      const evil = Buffer.from(r.tarball);
      evil[evil.length - 1] ^= 0xff;
      upstream.setFile(`/v3/files/${slug}.tar.gz`, { body: evil, contentType: 'application/octet-stream' });
      return evil;
    },
  };
}

function releaseDocument(r: BuiltRelease, link: (path: string) => string): Record<string, unknown> {
  const stamp = forgeTimestamp(r.createdAt);
  return {
    uri: link(`/v3/releases/${r.slug}`),
    slug: r.slug,
    module: {
      uri: link(`/v3/modules/${r.owner}-${r.name}`),
      slug: `${r.owner}-${r.name}`,
      name: r.name,
      deprecated_at: null,
      owner: { uri: link(`/v3/users/${r.owner}`), slug: r.owner, username: r.owner },
    },
    version: r.version,
    metadata: metadataOf(r),
    tags: [],
    supported: false,
    file_uri: link(`/v3/files/${r.slug}.tar.gz`),
    file_size: r.tarball.byteLength,
    file_md5: r.md5,
    ...(r.md5Only ? {} : { file_sha256: r.sha256 }),
    downloads: 0,
    readme: `# ${r.name}`,
    changelog: null,
    license: 'Apache-2.0',
    created_at: stamp,
    updated_at: stamp,
    deleted_at: null,
    deleted_for: null,
  };
}

/** What the real Forge does with `exclude_fields` (puppet sends it, `created_at` included). */
function withoutFields(doc: Record<string, unknown>, excluded: string | null): Record<string, unknown> {
  const copy = { ...doc };
  for (const field of (excluded ?? '').split(',')) delete copy[field.trim()];
  return copy;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** A remote puppet repository named `forge` on `baseUrl`, plus extra lines for its block. */
export function forgeConfig(baseUrl: string, extra = ''): string {
  return `
log: { level: warn }
auth: { admin_token: puppet-test-token }
remotes:
  forge:
    type: remote
    package: puppet
    base_url: ${baseUrl}
${extra.replace(/^/gm, '    ')}
`;
}
