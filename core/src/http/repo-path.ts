import { normaliseRepoPath } from '../engine/index.js';
import { AapiError } from '../errors.js';

/** Where every repository's artifacts live: `/api/v1/remote/{repo}/{path}`. */
export const REPOSITORY_PREFIX = '/api/v1/remote/';

/**
 * Splits `/<prefix>/<repo>/<path>` out of the raw request URL, so the path keeps the client's
 * exact encoding (fastify's params are decoded) and the query string is dropped.
 */
export function splitRepoUrl(rawUrl: string, prefix: string): { repo: string; path: string } {
  const query = rawUrl.indexOf('?');
  const pathname = query < 0 ? rawUrl : rawUrl.slice(0, query);
  const rest = pathname.slice(prefix.length);
  const slash = rest.indexOf('/');
  const repo = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash + 1);
  if (path === '') throw new AapiError('AAPI_ERR_PATH_INVALID', 'a file path is required after the repository name');
  return { repo: decodedName(repo), path: normaliseRepoPath(path) };
}

function decodedName(repo: string): string {
  try {
    return decodeURIComponent(repo);
  } catch {
    throw new AapiError('AAPI_ERR_PATH_INVALID', 'the repository name is not valid percent-encoding');
  }
}

/** The file name for Content-Disposition: the last path segment, decoded. */
export function fileNameOf(path: string): string | undefined {
  if (path.endsWith('/')) return undefined;
  const last = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(last) || undefined;
  } catch {
    return undefined;
  }
}
