import { parseAccept, qualityOf, type Negotiated } from '@artifactapi/plugin-sdk';

/** Candidates in the order that wins a tie: HTML first, as PyPI does for `*∕*` and no Accept. */
const CANDIDATES: ReadonlyArray<readonly [variant: string, type: string]> = [
  ['html', 'text/html'],
  ['v1-html', 'application/vnd.pypi.simple.v1+html'],
  ['json', 'application/vnd.pypi.simple.v1+json'],
];

/**
 * PEP 691 content negotiation for simple pages: `json`, `v1-html` (application/vnd.pypi.simple.v1+html)
 * or `html` (text/html), by the client's Accept; `html` when it sends none or accepts nothing offered.
 */
export function negotiateSimple(accept: string | undefined): Negotiated {
  if (!accept) return { variant: 'html' };
  // PEP 691: `latest` names whatever version the server serves, which here is v1.
  const ranges = parseAccept(accept).map((r) => ({ ...r, type: r.type.replace('vnd.pypi.simple.latest+', 'vnd.pypi.simple.v1+') }));
  let best = 'html';
  let bestQ = 0;
  for (const [variant, type] of CANDIDATES) {
    const q = qualityOf(ranges, type);
    if (q > bestQ) {
      best = variant;
      bestQ = q;
    }
  }
  return { variant: best };
}
