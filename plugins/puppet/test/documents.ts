/** Forge v3 documents shaped like forgeapi.puppet.com's, for the rewriter and inspector tests. */

export const UPSTREAM = 'https://forge.example/api/forge';

const SHA256 = 'ab'.repeat(32);
const MD5 = 'cd'.repeat(16);

/** A release; `link` turns a root-relative `/v3/…` path into what the upstream writes. */
export function release(slug: string, createdAt: string, link: (path: string) => string = (p) => p, digests: { sha256?: string; md5?: string } = { sha256: SHA256, md5: MD5 }): Record<string, unknown> {
  const [owner, name, version] = slug.split('-', 3) as [string, string, string];
  return {
    uri: link(`/v3/releases/${slug}`),
    slug,
    module: { uri: link(`/v3/modules/${owner}-${name}`), slug: `${owner}-${name}`, name, owner: { uri: link(`/v3/users/${owner}`), slug: owner, username: owner } },
    version,
    metadata: { name: `${owner}-${name}`, version, dependencies: [] },
    file_uri: link(`/v3/files/${slug}.tar.gz`),
    file_size: 1234,
    ...(digests.md5 ? { file_md5: digests.md5 } : {}),
    ...(digests.sha256 ? { file_sha256: digests.sha256 } : {}),
    created_at: createdAt,
    updated_at: createdAt,
    deleted_at: null,
  };
}

/** A `/v3/releases?module=` page. */
export function listPage(results: Record<string, unknown>[], total: number, next: string | null): Record<string, unknown> {
  return {
    pagination: { limit: 2, offset: 0, first: '/v3/releases?limit=2&module=acme-app&offset=0', previous: null, current: '/v3/releases?limit=2&module=acme-app&offset=0', next, total },
    results,
  };
}

export { MD5, SHA256 };
