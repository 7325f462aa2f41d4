/**
 * Builds apk v2 packages and APKINDEX.tar.gz files the way abuild and `apk index` lay them out, for
 * tests (no apk-tools needed): an .apk is a signature gzip member, a control gzip member (.PKGINFO)
 * and a data gzip member; the index is a signature member and a member holding DESCRIPTION and
 * APKINDEX. Signatures are real RSA signatures by a throwaway key: the proxy only passes them on.
 */
import { createHash, createPublicKey, createSign, createVerify, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { crc32, deflateRawSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { readApkIndex, type ApkRecord } from '../src/apk-index.js';
import { apkChecksumOf, parseApkChecksum } from '../src/apk-checksum.js';
import { controlMember } from '../src/apk-package.js';
import { readGzipMember } from '../src/gzip-member.js';

export type { ApkRecord } from '../src/apk-index.js';

/** One package to build. */
export interface ApkSpec {
  name: string;
  /** `pkgver-r<rel>`, e.g. `1.2.3-r0`. */
  version: string;
  /** Unix seconds (`builddate`, the index's `t:`). */
  buildTime: number;
  arch?: string;
  description?: string;
  depends?: readonly string[];
  /** Files of the data member, by path; default one small file. */
  files?: Readonly<Record<string, string>>;
  /** Whether the package carries a signature member (default true). */
  signed?: boolean;
  /** Install scripts in the control member beside .PKGINFO (`.post-install`…). */
  scripts?: Readonly<Record<string, string>>;
}

/** A built package and what its index record says about it. */
export interface BuiltApk {
  spec: ApkSpec;
  /** `{name}-{version}.apk` */
  fileName: string;
  bytes: Buffer;
  /** The control member's bytes exactly: what `C:` hashes. */
  control: Buffer;
  /** `Q1` + base64 SHA-1 of `control`. */
  checksum: string;
}

const KEY_NAME = 'alpine-devel@example.org-61666e3f.rsa.pub';
const MTIME = new Date(Date.UTC(2024, 0, 1));
let signingKey: KeyObject | undefined;

/** The throwaway signing key, made once per process (RSA key generation is slow). */
function key(): KeyObject {
  signingKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  return signingKey;
}

export async function buildApk(spec: ApkSpec): Promise<BuiltApk> {
  const control = gzipMember(await tarOf({ '.PKGINFO': pkginfo(spec), ...spec.scripts }, false));
  const data = gzipMember(await tarOf(spec.files ?? { [`usr/share/${spec.name}/README`]: `${spec.name} ${spec.version}\n` }, true));
  const parts = spec.signed === false ? [control, data] : [await signatureMember(control), control, data];
  return { spec, fileName: `${spec.name}-${spec.version}.apk`, bytes: Buffer.concat(parts), control, checksum: apkChecksum(control) };
}

/**
 * The same package with its control member altered (`.PKGINFO` says something else) but the
 * file's size unchanged, so only the `C:` check can tell. The signature and data stay as they were.
 */
export async function withAlteredControl(apk: BuiltApk): Promise<Buffer> {
  // Same length, more compressible (a run of one letter), so the member comes out no longer and a comment pads it.
  const text = pkginfo(apk.spec).replace(/^(pkgdesc|url) = (.*)$/gm, (_line, key: string, value: string) => `${key} = ${'A'.repeat(value.length)}`);
  const tar = await tarOf({ '.PKGINFO': text, ...apk.spec.scripts }, false);
  for (let level = 9; level >= 0; level--) {
    const member = gzipMember(tar, level, apk.control.byteLength);
    if (member.byteLength === apk.control.byteLength) {
      const at = apk.bytes.indexOf(apk.control);
      return Buffer.concat([apk.bytes.subarray(0, at), member, apk.bytes.subarray(at + apk.control.byteLength)]);
    }
  }
  throw new Error('could not alter the control member at the same size');
}

/** A signed APKINDEX.tar.gz listing `packages`; `overrides` replace fields of one package's record by file name. */
export async function buildApkIndex(packages: readonly BuiltApk[], overrides: Readonly<Record<string, Readonly<Record<string, string>>>> = {}): Promise<Buffer> {
  const text = packages.map((apk) => recordOf(apk, overrides[apk.fileName] ?? {})).join('');
  const index = gzipMember(await tarOf({ DESCRIPTION: 'v3.20.0-test\n', APKINDEX: text }, true));
  return Buffer.concat([await signatureMember(index), index]);
}

/** `C:` as apk-tools writes it. */
export function apkChecksum(controlMember: Uint8Array): string {
  return `Q1${createHash('sha1').update(controlMember).digest('base64')}`;
}

// ---- what a client checks (apk-tools does the same with the key in /etc/apk/keys) ----

/**
 * Whether an APKINDEX.tar.gz's signature member holds a valid signature by the fixture key over
 * the rest of the file: false for an index that was re-encoded or altered on the way.
 */
export function indexSignatureValid(index: Uint8Array): boolean {
  const signature = readGzipMember(index, 0, 1 << 20);
  const header = signature.content.subarray(0, 100).toString('latin1');
  if (!header.startsWith('.SIGN.RSA.')) return false;
  const size = parseInt(signature.content.subarray(124, 136).toString('latin1').trim(), 8);
  const sig = signature.content.subarray(512, 512 + size);
  const publicKey = createPublicKey(key());
  return createVerify('sha1').update(index.subarray(signature.end)).verify(publicKey, sig);
}

/** The package records of an APKINDEX.tar.gz, as apk reads them. */
export function indexRecords(index: Uint8Array): Promise<ApkRecord[]> {
  return readApkIndex(index);
}

/** The `C:` a package's bytes hash to, in the form of `listed` (what `apk fetch` compares). */
export function packageChecksum(apk: Uint8Array, listed: string): string {
  const member = controlMember(apk);
  return apkChecksumOf(apk.subarray(member.start, member.end), parseApkChecksum(listed));
}

function recordOf(apk: BuiltApk, overrides: Readonly<Record<string, string>>): string {
  const { spec } = apk;
  const fields: Record<string, string> = {
    C: apk.checksum,
    P: spec.name,
    V: spec.version,
    A: spec.arch ?? 'x86_64',
    S: String(apk.bytes.byteLength),
    I: '4096',
    T: spec.description ?? `${spec.name} for tests`,
    U: 'https://example.org',
    L: 'MIT',
    o: spec.name,
    m: 'Test <test@example.org>',
    t: String(spec.buildTime),
    c: 'c0ffee0123456789abcdef0123456789abcdef01',
    ...(spec.depends?.length ? { D: spec.depends.join(' ') } : {}),
    ...overrides,
  };
  return `${Object.entries(fields).map(([k, v]) => `${k}:${v}`).join('\n')}\n\n`;
}

function pkginfo(spec: ApkSpec): string {
  const lines = [
    '# Generated by abuild 3.13.0',
    `pkgname = ${spec.name}`,
    `pkgver = ${spec.version}`,
    `pkgdesc = ${spec.description ?? `${spec.name} for tests`}`,
    'url = https://example.org',
    `builddate = ${spec.buildTime}`,
    'packager = Test <test@example.org>',
    'size = 4096',
    `arch = ${spec.arch ?? 'x86_64'}`,
    'origin = test',
    'license = MIT',
    ...(spec.depends ?? []).map((d) => `depend = ${d}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** A signature member over `signed` (RSA, SHA-1 as abuild signs), its tar cut before the end blocks. */
async function signatureMember(signed: Buffer): Promise<Buffer> {
  const signature = createSign('sha1').update(signed).sign(key());
  return gzipMember(await tarOf({ [`.SIGN.RSA.${KEY_NAME}`]: signature }, false));
}

/** A ustar archive of `files`; `complete` = with the two end-of-archive blocks (abuild cuts them from all but the last). */
async function tarOf(files: Readonly<Record<string, string | Buffer>>, complete: boolean): Promise<Buffer> {
  const tar = pack();
  for (const [name, content] of Object.entries(files)) tar.entry({ name, mtime: MTIME, mode: 0o644, uname: 'root', gname: 'root' }, content);
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  const whole = Buffer.concat(chunks);
  return complete ? whole : whole.subarray(0, whole.byteLength - 1024);
}

/**
 * One gzip member (RFC 1952). With `padTo`, a comment field pads the member to that length when
 * it comes out shorter, so an altered member can keep the original's size.
 */
function gzipMember(content: Buffer, level = 9, padTo?: number): Buffer {
  const deflated = deflateRawSync(content, { level });
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(content), 0);
  trailer.writeUInt32LE(content.byteLength >>> 0, 4);
  const bare = 10 + deflated.byteLength + 8;
  const comment = padTo !== undefined && padTo > bare ? Buffer.concat([Buffer.alloc(padTo - bare - 1, 'a'), Buffer.from([0])]) : Buffer.alloc(0);
  const header = Buffer.from([0x1f, 0x8b, 8, comment.byteLength > 0 ? 0x10 : 0, 0, 0, 0, 0, level === 9 ? 2 : 0, 3]);
  return Buffer.concat([header, comment, deflated, trailer]);
}
