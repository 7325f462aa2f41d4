import { definePlugin } from '@artifactapi/plugin-sdk';
import { registryErrorBody, registryErrorFromProduct } from './errors.js';
import { classifyPath, splitRepositoryPath, upstreamHeadersOf, upstreamUrlOf } from './repository-path.js';
import { isDigest } from './reference.js';
import { hotReads } from './hot-reads.js';
import { mountRegistry } from './routes.js';
import { upstreamAuth } from './upstream-auth.js';

/**
 * @artifactapi/plugin-docker: Docker / OCI registries on plugin API v2. Remote repositories are
 * pull-through caches served at the root `/v2/{repo}/…`; the protocol lives in pure modules
 * (names, routes, errors, negotiation, manifests, token flow…), re-exported below. See README.md.
 */
export default definePlugin({
  type: 'docker',
  description: 'Docker / OCI registries (pull-through caches and local registries at /v2/{repo}/…)',
  options: {
    properties: {
      ban_tags: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        description: 'Tags refused whatever their digest, e.g. [latest]; `*` matches any run of characters.',
        'x-expected': 'a list of tag patterns',
      },
    },
  },
  classify: classifyPath,
  upstreamUrl: upstreamUrlOf,
  upstreamHeaders: upstreamHeadersOf,
  upstreamAuth,
  routes: mountRegistry,
  hotReads,
  hosted: {
    uploadSessions: true,
    // Tags are the mutable references of a local repository; digests never change.
    isReference: (path) => {
      const route = splitRepositoryPath(path);
      return route?.kind === 'manifest' && !isDigest(route.reference);
    },
  },
  errorBody: (error) => registryErrorBody(registryErrorFromProduct(error)),
});

export { authScopeOf, classifyPath, splitRepositoryPath, bannedTag } from './repository-path.js';
export { REGISTRY_ERRORS, RegistryError, registryErrorBody, registryErrorFromProduct } from './errors.js';
export type { RegistryErrorCode, RegistryErrorEntry } from './errors.js';
export { NAME_PATTERN, TAG_PATTERN, DIGEST_PATTERN, NAME_MAX_LENGTH, isImageName, checkImageName, parseDigest, isDigest, parseReference, digestOf } from './reference.js';
export type { Digest, Reference } from './reference.js';
export { parseV2Path } from './route-path.js';
export type { V2Route } from './route-path.js';
export { isDockerHub, canonicalImageName, namespaceOf, namespaceMatches } from './upstream-name.js';
export {
  OCI_INDEX,
  OCI_MANIFEST,
  DOCKER_LIST,
  DOCKER_MANIFEST,
  DOCKER_SCHEMA1,
  DOCKER_SCHEMA1_SIGNED,
  OCI_CONFIG,
  DOCKER_CONFIG,
  OCI_EMPTY,
  INDEX_TYPES,
  IMAGE_TYPES,
  MANIFEST_TYPES,
  UPSTREAM_MANIFEST_ACCEPT,
  bareMediaType,
} from './media-types.js';
export { acceptsManifest, negotiateManifest } from './negotiate.js';
export { MANIFEST_MAX_BYTES, parseManifest, manifestMediaType, referencedBlobs, childManifests, isIndex } from './manifest.js';
export type { Descriptor, ParsedManifest } from './manifest.js';
export { parseChallenges } from '@artifactapi/plugin-sdk';
export { selectChallenge, isInsufficientScope } from './auth-challenge.js';
export type { Challenge } from './auth-challenge.js';
export {
  DEFAULT_TOKEN_SECONDS,
  EXPIRY_MARGIN_SECONDS,
  repositoryScope,
  scopesFor,
  tokenRequest,
  basicAuthorization,
  parseTokenResponse,
  isFresh,
  tokenCacheKey,
} from './token-flow.js';
export type { TokenRequest, Credentials, Token } from './token-flow.js';
export { parseContentRange, uploadRangeHeader, planChunk, completeChunk } from './content-range.js';
export type { ByteRange, ChunkPlan } from './content-range.js';
export { UPLOAD_IDLE_TIMEOUT_MS, newUploadSession, advanceUpload, isAbandoned, uploadLocation, uploadHeaders, parseUploadStart, checkFinalDigest } from './upload-session.js';
export type { UploadSession, UploadStart } from './upload-session.js';
export { MAX_PAGE_SIZE, parsePageRequest, lexicalCompare, paginate, tagsListBody, catalogBody } from './pagination.js';
export type { PageRequest, Page } from './pagination.js';
export { referrerDescriptor, artifactTypeFilter, referrersResponse } from './referrers.js';
export type { ReferrersIndex, ReferrersResponse } from './referrers.js';
export { API_VERSION_HEADER, API_VERSION, bearerChallenge, basicChallenge, contentHeaders } from './registry-headers.js';
