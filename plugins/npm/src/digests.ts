import type { ExpectedDigest } from '@artifactapi/plugin-sdk';

const HEX_LENGTH = { sha512: 128, sha256: 64, sha1: 40 } as const;
const SRI_ALGORITHMS: Readonly<Record<string, keyof typeof HEX_LENGTH>> = { sha512: 'sha512', sha256: 'sha256', sha1: 'sha1' };
const SHA1_HEX = /^[0-9a-fA-F]{40}$/;

/**
 * The digests a packument's `dist` promises: every entry of the SRI `integrity` string
 * (`sha512-<base64>`, space-separated, options after `?` ignored) and the sha1 `shasum`.
 * Malformed entries are skipped rather than trusted.
 */
export function distDigests(dist: { integrity?: unknown; shasum?: unknown } | undefined): ExpectedDigest[] {
  const digests: ExpectedDigest[] = [];
  if (!dist) return digests;
  if (typeof dist.integrity === 'string') {
    for (const token of dist.integrity.split(/\s+/)) {
      const dash = token.indexOf('-');
      const algorithm = SRI_ALGORITHMS[token.slice(0, dash)];
      if (dash < 0 || !algorithm) continue;
      const hex = Buffer.from(token.slice(dash + 1).replace(/\?.*$/, ''), 'base64').toString('hex');
      if (hex.length === HEX_LENGTH[algorithm]) digests.push({ algorithm, hex });
    }
  }
  if (typeof dist.shasum === 'string' && SHA1_HEX.test(dist.shasum) && !digests.some((d) => d.algorithm === 'sha1')) {
    digests.push({ algorithm: 'sha1', hex: dist.shasum.toLowerCase() });
  }
  return digests;
}
