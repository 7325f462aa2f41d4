/** One media range of an Accept header. */
export interface MediaRange {
  /** Lower-case `type/subtype`, wildcards as sent (`*\/*`, `text/*`). */
  type: string;
  /** Quality in [0, 1]; 1 when absent, 0 when unreadable. */
  q: number;
  /** Parameters other than `q`, lower-case names. */
  params: Readonly<Record<string, string>>;
}

/** Parses an Accept header into media ranges in the order sent. Malformed parts are skipped. */
export function parseAccept(header: string | undefined): MediaRange[] {
  const ranges: MediaRange[] = [];
  if (!header) return ranges;
  for (const part of header.split(',')) {
    const [media = '', ...rest] = part.split(';').map((s) => s.trim());
    const type = media.toLowerCase();
    if (!type.includes('/')) continue;
    let q = 1;
    const params: Record<string, string> = {};
    for (const param of rest) {
      const eq = param.indexOf('=');
      if (eq < 0) continue;
      const name = param.slice(0, eq).trim().toLowerCase();
      const value = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
      if (name === 'q') {
        const n = Number(value);
        q = Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0;
      } else params[name] = value;
    }
    ranges.push({ type, q, params });
  }
  return ranges;
}

/**
 * The quality a client gives `mediaType`: that of the most specific range that matches it
 * (RFC 9110 §12.5.1); among equally specific ranges, the highest. 0 when nothing matches.
 * With `wildcards: false` only an exact range counts (a client that must name a type to get it).
 */
export function qualityOf(ranges: readonly MediaRange[], mediaType: string, options: { wildcards?: boolean } = {}): number {
  const wildcards = options.wildcards ?? true;
  const type = mediaType.toLowerCase();
  const major = type.slice(0, type.indexOf('/') + 1);
  let specificity = -1;
  let q = 0;
  for (const range of ranges) {
    let s: number;
    if (range.type === type) s = 2;
    else if (range.type.endsWith('/*') && range.type.slice(0, -1) === major) s = 1;
    else if (range.type === '*/*') s = 0;
    else continue;
    if (!wildcards && s < 2) continue;
    if (s > specificity || (s === specificity && range.q > q)) {
      specificity = s;
      q = range.q;
    }
  }
  return q;
}

/**
 * The offered media type the client prefers (highest quality, ties to the earlier offer), or
 * `fallback` when it accepts none (or sent no Accept at all).
 */
export function preferredMediaType<T extends string>(header: string | undefined, offers: readonly T[], fallback: T): T {
  if (!header) return fallback;
  const ranges = parseAccept(header);
  let best = fallback;
  let bestQ = 0;
  for (const offer of offers) {
    const q = qualityOf(ranges, offer);
    if (q > bestQ) {
      best = offer;
      bestQ = q;
    }
  }
  return best;
}
