/** The abbreviated ("corgi") packument's media type. */
export const CORGI_TYPE = 'application/vnd.npm.install-v1+json';
export const JSON_TYPE = 'application/json';

interface Range {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(header: string): Range[] {
  const ranges: Range[] = [];
  for (const part of header.split(',')) {
    const [media = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const slash = media.indexOf('/');
    if (slash < 0) continue;
    let q = 1;
    for (const param of params) {
      if (param.startsWith('q=')) {
        const value = Number(param.slice(2));
        q = Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
      }
    }
    ranges.push({ type: media.slice(0, slash), subtype: media.slice(slash + 1), q });
  }
  return ranges;
}

/** The quality a media type gets from the most specific range that matches it (RFC 9110 §12.5.1). */
function qualityOf(ranges: readonly Range[], mediaType: string, wildcards: boolean): number {
  const [type, subtype] = mediaType.split('/') as [string, string];
  let best = -1;
  let q = 0;
  for (const r of ranges) {
    const specificity = r.type === type && r.subtype === subtype ? 2 : r.type === type && r.subtype === '*' ? 1 : r.type === '*' ? 0 : -1;
    if (specificity < 0 || (!wildcards && specificity < 2)) continue;
    if (specificity > best) {
      best = specificity;
      q = r.q;
    }
  }
  return q;
}

/**
 * `abbreviated` when the client names the corgi type and ranks it at least as high as plain
 * JSON (npm's own `…install-v1+json; q=1.0, application/json; q=0.8, *\/*`); `full` otherwise,
 * wildcards included, since the full document is what a browser or curl expects.
 */
export function variantFor(accept: string | undefined): 'abbreviated' | 'full' {
  if (!accept) return 'full';
  const ranges = parseAccept(accept);
  const corgi = qualityOf(ranges, CORGI_TYPE, false);
  if (corgi <= 0) return 'full';
  return corgi >= qualityOf(ranges, JSON_TYPE, true) ? 'abbreviated' : 'full';
}
