/** True when the client's cached copy is current, so a 304 answers the request (RFC 9110 §13.2.2). */
export function isNotModified(
  headers: { 'if-none-match'?: string; 'if-modified-since'?: string },
  etag: string | undefined,
  lastModified: string | undefined,
): boolean {
  const inm = headers['if-none-match'];
  if (inm !== undefined) {
    if (etag === undefined) return false;
    if (inm.trim() === '*') return true;
    return inm.split(',').some((tag) => stripWeak(tag.trim()) === etag);
  }
  const ims = headers['if-modified-since'];
  if (ims === undefined || lastModified === undefined) return false;
  const since = Date.parse(ims);
  const modified = Date.parse(lastModified);
  return !Number.isNaN(since) && !Number.isNaN(modified) && Math.floor(modified / 1000) <= Math.floor(since / 1000);
}

/** Whether an `If-Range` value still names the current representation. */
export function ifRangeMatches(ifRange: string | undefined, etag: string | undefined, lastModified: string | undefined): boolean {
  if (ifRange === undefined) return true;
  if (ifRange.startsWith('"') || ifRange.startsWith('W/')) return etag !== undefined && ifRange === etag;
  return lastModified !== undefined && Date.parse(ifRange) === Date.parse(lastModified);
}

function stripWeak(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}
