import { createHash } from 'node:crypto';

/**
 * The identity `C:` gives a package: apk-tools writes `Q1` + base64 of a SHA-1 (the default), `Q2`
 * + base64 of a SHA-256, and old indexes a bare hex MD5, each over the package's control gzip
 * member. Undefined for a value in none of these forms.
 */
export interface ApkChecksum {
  algorithm: 'sha1' | 'sha256' | 'md5';
  /** The digest bytes, base64 for the Q forms, hex for MD5 (compared as written). */
  encoded: string;
}

const FORMS = [
  { prefix: 'Q1', algorithm: 'sha1', length: 20 },
  { prefix: 'Q2', algorithm: 'sha256', length: 32 },
] as const;

export function parseApkChecksum(value: string): ApkChecksum | undefined {
  for (const form of FORMS) {
    if (!value.startsWith(form.prefix)) continue;
    const encoded = value.slice(2);
    const decoded = Buffer.from(encoded, 'base64');
    return decoded.byteLength === form.length && decoded.toString('base64') === encoded ? { algorithm: form.algorithm, encoded } : undefined;
  }
  return /^[0-9a-f]{32}$/i.test(value) ? { algorithm: 'md5', encoded: value.toLowerCase() } : undefined;
}

/** `C:` for a control member, in the same form as `like` (Q1 when there is none to follow). */
export function apkChecksumOf(controlMember: Uint8Array, like: ApkChecksum | undefined): string {
  const algorithm = like?.algorithm ?? 'sha1';
  const digest = createHash(algorithm).update(controlMember);
  if (algorithm === 'md5') return digest.digest('hex');
  return `${algorithm === 'sha1' ? 'Q1' : 'Q2'}${digest.digest('base64')}`;
}
