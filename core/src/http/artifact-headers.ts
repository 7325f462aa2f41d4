import type { Served } from '../engine/index.js';

/**
 * The headers of DESIGN §3 for an artifact response, before any conditional or Range handling:
 * source and cache status, validators, type, and Content-Disposition for files (not for index
 * documents, which vary by Accept instead).
 */
export function artifactHeaders(served: Omit<Served, 'open' | 'discard'>, fileName: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    'x-artifact-source': served.source,
    'x-artifact-cache': served.cache,
    'content-type': served.contentType,
  };
  if (served.etag) headers.etag = served.etag;
  if (served.lastModified) headers['last-modified'] = served.lastModified;
  if (served.vary) headers.vary = served.vary;
  else if (fileName) headers['content-disposition'] = contentDisposition(fileName);
  if (served.size !== undefined) headers['accept-ranges'] = 'bytes';
  return headers;
}

function contentDisposition(fileName: string): string {
  if (/^[\x20-\x7e]*$/.test(fileName) && !/["\\]/.test(fileName)) return `attachment; filename="${fileName}"`;
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
