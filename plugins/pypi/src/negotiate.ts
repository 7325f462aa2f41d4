import type { Negotiated } from '@artifactapi/plugin-sdk';

interface MediaRange {
  type: string;
  q: number;
}

/** Candidates in the order that wins a tie: HTML first, as PyPI does for `*∕*` and no Accept. */
const CANDIDATES: ReadonlyArray<readonly [variant: string, type: string]> = [
  ['html', 'text/html'],
  ['v1-html', 'application/vnd.pypi.simple.v1+html'],
  ['json', 'application/vnd.pypi.simple.v1+json'],
];

function parseAccept(accept: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of accept.split(',')) {
    const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (!type) continue;
    let q = 1;
    for (const param of params) {
      if (param.startsWith('q=')) {
        const value = Number(param.slice(2));
        q = Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
      }
    }
    // PEP 691: `latest` names whatever version the server serves, which here is v1.
    ranges.push({ type: type.replace('vnd.pypi.simple.latest+', 'vnd.pypi.simple.v1+'), q });
  }
  return ranges;
}

/** The quality the client gives a media type: that of the most specific range that matches it. */
function quality(ranges: readonly MediaRange[], type: string): number {
  let specificity = -1;
  let q = 0;
  for (const range of ranges) {
    let s: number;
    if (range.type === type) s = 2;
    else if (range.type.endsWith('/*') && type.startsWith(range.type.slice(0, -1))) s = 1;
    else if (range.type === '*/*') s = 0;
    else continue;
    if (s > specificity || (s === specificity && range.q > q)) {
      specificity = s;
      q = range.q;
    }
  }
  return q;
}

/**
 * PEP 691 content negotiation for simple pages: `json`, `v1-html` (application/vnd.pypi.simple.v1+html)
 * or `html` (text/html), by the client's Accept; `html` when it sends none or accepts nothing offered.
 */
export function negotiateSimple(accept: string | undefined): Negotiated {
  if (!accept) return { variant: 'html' };
  const ranges = parseAccept(accept);
  let best = 'html';
  let bestQ = 0;
  for (const [variant, type] of CANDIDATES) {
    const q = quality(ranges, type);
    if (q > bestQ) {
      best = variant;
      bestQ = q;
    }
  }
  return { variant: best };
}
