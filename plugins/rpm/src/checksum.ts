import type { ExpectedDigest } from '@artifactapi/plugin-sdk';

const ALGORITHMS: Readonly<Record<string, ExpectedDigest['algorithm']>> = { sha256: 'sha256', sha512: 'sha512', sha1: 'sha1', sha: 'sha1' };
const HEX_LENGTH: Readonly<Record<ExpectedDigest['algorithm'], number>> = { md5: 32, sha1: 40, sha256: 64, sha512: 128 };

/**
 * A `<checksum type="…">HEX</checksum>` as a digest the engine can check, or undefined for a type
 * it cannot (md5, sha224, sha384) or a value that is not hex of the right length.
 */
export function digestOf(type: string | undefined, value: string): ExpectedDigest | undefined {
  const algorithm = type === undefined ? undefined : ALGORITHMS[type.toLowerCase()];
  if (!algorithm) return undefined;
  const hex = value.trim().toLowerCase();
  return hex.length === HEX_LENGTH[algorithm] && /^[0-9a-f]+$/.test(hex) ? { algorithm, hex } : undefined;
}
