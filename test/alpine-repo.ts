/**
 * An Alpine mirror on loopback for the alpine tests (packages and a signed index built by the
 * plugin's fixture builder), and `apkFetch`, which walks the protocol as `apk fetch` does.
 */
import {
  buildApk,
  buildApkIndex,
  indexRecords,
  indexSignatureValid,
  packageChecksum,
  type ApkRecord,
  type ApkSpec,
  type BuiltApk,
} from '@artifactapi/plugin-alpine/fixtures';
import { startUpstream, type UpstreamServer } from '@artifactapi/plugin-sdk/testkit';
import type { Teardown } from './helpers/teardown.js';

/** The repository line's path on the mirror (`{base_url}/v3.20/main`) and the arch apk appends. */
export const BRANCH_REPO = 'v3.20/main';
export const ARCH = 'x86_64';
const MIRROR_ROOT = '/alpine';

export interface AlpineMirror {
  upstream: UpstreamServer;
  /** Built packages by name. */
  packages: Record<string, BuiltApk>;
  index: Buffer;
  /** Upstream paths, for `upstream.hits`. */
  indexPath: string;
  packagePath(name: string): string;
  /** Replaces what the mirror serves for a package (a tampered or truncated copy). */
  serveInstead(name: string, bytes: Uint8Array): void;
}

/**
 * Starts a mirror serving `specs` under `/alpine/v3.20/main/x86_64/`; `overrides` change fields of
 * index records by file name (a wrong `S:`, a missing `C:`).
 */
export async function startAlpineMirror(
  t: Teardown,
  specs: readonly ApkSpec[],
  overrides: Readonly<Record<string, Readonly<Record<string, string>>>> = {},
): Promise<AlpineMirror> {
  const built = await Promise.all(specs.map((spec) => buildApk(spec)));
  const index = await buildApkIndex(built, overrides);
  const upstream = await startUpstream();
  t.teardown(() => upstream.close());
  const dir = `${MIRROR_ROOT}/${BRANCH_REPO}/${ARCH}`;
  const packages = Object.fromEntries(built.map((apk) => [apk.spec.name, apk]));
  const packagePath = (name: string) => `${dir}/${packages[name]!.fileName}`;
  upstream.setFile(`${dir}/APKINDEX.tar.gz`, { body: index, lastModified: new Date('2024-06-01T00:00:00Z') });
  for (const apk of built) upstream.setFile(packagePath(apk.spec.name), apk.bytes);
  return {
    upstream,
    packages,
    index,
    indexPath: `${dir}/APKINDEX.tar.gz`,
    packagePath,
    serveInstead: (name, bytes) => upstream.setFile(packagePath(name), bytes),
  };
}

/** A remote `alpine` of the mirror, plus extra lines for its block. */
export function alpineConfig(mirror: AlpineMirror, extra = ''): string {
  return `remotes:
  alpine:
    type: remote
    package: alpine
    base_url: ${mirror.upstream.url}${MIRROR_ROOT}
${extra.replace(/^/gm, '    ')}
`;
}

/** The `/etc/apk/repositories` line for the proxy. */
export function repositoryLine(proxyUrl: string): string {
  return `${proxyUrl}/api/v1/remote/alpine/${BRANCH_REPO}`;
}

export interface FetchWalk {
  index: Buffer;
  apk: Buffer;
  record: ApkRecord;
  /** X-Artifact-Cache of the index and of the package. */
  cache: { index: string | null; apk: string | null };
}

/** What `apk fetch` refuses, with the HTTP status when a request failed. */
export class ApkFetchError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * `apk fetch NAME` from a repository line: GET `{line}/{arch}/APKINDEX.tar.gz`, check its
 * signature, find the package, GET `{line}/{arch}/{P}-{V}.apk`, and check its size against `S:`
 * and its control member against `C:`. Throws ApkFetchError where apk would give up.
 */
export async function apkFetch(line: string, name: string): Promise<FetchWalk> {
  const indexRes = await get(`${line}/${ARCH}/APKINDEX.tar.gz`);
  if (!indexSignatureValid(indexRes.body)) throw new ApkFetchError('APKINDEX.tar.gz: UNTRUSTED signature');
  const record = (await indexRecords(indexRes.body)).find((r) => r.P === name);
  if (!record) throw new ApkFetchError(`${name}: no such package`);
  const apkRes = await get(`${line}/${ARCH}/${record.P}-${record.V}.apk`);
  if (String(apkRes.body.byteLength) !== record.S) throw new ApkFetchError(`${name}: size ${apkRes.body.byteLength}, index says ${record.S}`);
  if (packageChecksum(apkRes.body, record.C ?? '') !== record.C) throw new ApkFetchError(`${name}: BAD checksum`);
  return { index: indexRes.body, apk: apkRes.body, record, cache: { index: indexRes.cache, apk: apkRes.cache } };
}

async function get(url: string): Promise<{ body: Buffer; cache: string | null }> {
  const res = await fetch(url);
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) throw new ApkFetchError(`${url}: HTTP ${res.status} ${body.toString('utf8').slice(0, 200)}`, res.status);
  return { body, cache: res.headers.get('x-artifact-cache') };
}
