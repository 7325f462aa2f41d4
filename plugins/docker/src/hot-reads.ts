import type { HotReads } from '@artifactapi/plugin-sdk';
import { API_VERSION, API_VERSION_HEADER } from './registry-headers.js';
import { parseV2Path } from './route-path.js';
import { canonicalImageName } from './upstream-name.js';

/**
 * Blob pulls from a remote or local repository, which the routes answer with the stored blob as
 * it is (read-routes.ts): the core may answer them from memory ahead of the routes. Manifests are
 * negotiated and checked, tags and referrers are built, and a virtual repository tries its
 * members: those always take the routes.
 */
export const hotReads: HotReads = {
  prefix: '/v2/',
  resolve(pathname, repositories) {
    const route = parseV2Path(pathname);
    if (route?.kind !== 'blob') return undefined;
    const repo = repositories.resolve(route.repository);
    if (repo?.package !== 'docker' || repo.kind === 'virtual') return undefined;
    return {
      repository: route.repository,
      path: `${canonicalImageName(route.image, repo.baseUrl)}/blobs/${route.digest}`,
      headers: { [API_VERSION_HEADER]: API_VERSION, 'docker-content-digest': route.digest },
      redirect: true,
    };
  },
};
