/**
 * @artifactapi/plugin-docker: the OCI distribution protocol as pure modules. Not yet a plugin the
 * host loads (no `artifactapi` field in package.json): routes, upstream auth and hosted uploads
 * are wired on plugin API v2 in a later step; see README.md.
 */
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
export { parseAccept, acceptsManifest, negotiateManifest } from './negotiate.js';
export { MANIFEST_MAX_BYTES, parseManifest, manifestMediaType, referencedBlobs, childManifests, isIndex } from './manifest.js';
export type { Descriptor, ParsedManifest } from './manifest.js';
export { parseChallenges, selectChallenge, isInsufficientScope } from './auth-challenge.js';
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
