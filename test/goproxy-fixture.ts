import { createHash } from 'node:crypto';
import { startUpstream, type UpstreamServer } from '@artifactapi/plugin-sdk/testkit';
import { makeZip } from './goproxy-module-zip.js';
import { buildSumdb, type FixtureSumdb } from './goproxy-sumdb.js';
import type { Teardown } from './helpers/teardown.js';

/** A module version the fixture proxy serves. */
export interface FixtureModule {
  /** Module path as written in go.mod (upper case allowed). */
  path: string;
  version: string;
  /** RFC 3339 commit time of the `.info`. */
  time: string;
  /** Extra files besides go.mod, by path inside the module. */
  files?: Record<string, string>;
  /** Serve bytes other than those the checksum database records. */
  tamper?: 'zip' | 'mod';
}

/** What the fixture made of one module version: its bytes and their go.sum hashes. */
export interface BuiltModule extends FixtureModule {
  encodedPath: string;
  encodedVersion: string;
  info: Buffer;
  mod: Buffer;
  zip: Buffer;
  zipHash: string;
  modHash: string;
  /** Proxy paths (leading slash) of the version's files. */
  paths: { list: string; info: string; mod: string; zip: string };
}

export interface FixtureProxy {
  upstream: UpstreamServer;
  modules: BuiltModule[];
  sumdb: FixtureSumdb;
  module(path: string, version: string): BuiltModule;
}

/** Go's case encoding, written again here so the fixture does not trust the plugin's. */
export const encode = (s: string) => s.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);

/** Go's `h1:` hash (dirhash Hash1), written again here from the format, not from the plugin. */
export function h1(files: { name: string; data: Buffer }[]): string {
  const lines = files
    .map((f) => `${createHash('sha256').update(f.data).digest('hex')}  ${f.name}\n`)
    .sort((a, b) => (a.split('  ')[1]! < b.split('  ')[1]! ? -1 : 1));
  return `h1:${createHash('sha256').update(lines.join('')).digest('base64')}`;
}

export function buildModule(m: FixtureModule): BuiltModule {
  const mod = Buffer.from(`module ${m.path}\n\ngo 1.19\n`);
  const prefix = `${m.path}@${m.version}/`;
  const files = [{ name: `${prefix}go.mod`, data: mod }, ...Object.entries(m.files ?? {}).map(([name, text]) => ({ name: prefix + name, data: Buffer.from(text) }))];
  const zip = makeZip(files);
  const encodedPath = encode(m.path);
  const encodedVersion = encode(m.version);
  const base = `/${encodedPath}/@v/`;
  const built: BuiltModule = {
    ...m,
    encodedPath,
    encodedVersion,
    info: Buffer.from(JSON.stringify({ Version: m.version, Time: m.time })),
    mod,
    zip,
    zipHash: h1(files),
    modHash: h1([{ name: 'go.mod', data: mod }]),
    paths: { list: `${base}list`, info: `${base}${encodedVersion}.info`, mod: `${base}${encodedVersion}.mod`, zip: `${base}${encodedVersion}.zip` },
  };
  if (m.tamper === 'zip') built.zip = makeZip(files.map((f, i) => (i === files.length - 1 ? { ...f, data: Buffer.concat([f.data, Buffer.from('// injected\n')]) } : f)));
  if (m.tamper === 'mod') built.mod = Buffer.from(`module ${m.path}\n\ngo 1.19\n\nrequire evil.example/x v1.0.0\n`);
  return built;
}

/**
 * Starts a loopback Go module proxy serving `modules` (list, .info, .mod, .zip, @latest) and, under
 * `/sumdb/<sumdbName>/`, a signed checksum database that records every module's real hashes
 * (tampered ones included, so their served bytes disagree with it). `gone` module paths answer 410.
 */
export async function startGoUpstream(t: Teardown, modules: FixtureModule[], options: { sumdbName?: string; gone?: string[] } = {}): Promise<FixtureProxy> {
  const built = modules.map(buildModule);
  const sumdb = buildSumdb(
    options.sumdbName ?? 'sum.example.test',
    built.map((m) => ({
      encoded: `${m.encodedPath}@${m.encodedVersion}`,
      lines: `${m.path} ${m.version} ${m.zipHash}\n${m.path} ${m.version}/go.mod ${m.modHash}\n`,
    })),
  );
  const upstream = await startUpstream();
  t.teardown(() => upstream.close());
  const versions = new Map<string, string[]>();
  for (const m of built) {
    versions.set(m.encodedPath, [...(versions.get(m.encodedPath) ?? []), m.version]);
    upstream.setFile(m.paths.info, { body: m.info, contentType: 'application/json' });
    upstream.setFile(m.paths.mod, { body: m.mod, contentType: 'text/plain; charset=UTF-8' });
    upstream.setFile(m.paths.zip, { body: m.zip, contentType: 'application/zip' });
  }
  for (const [path, list] of versions) {
    upstream.setFile(`/${path}/@v/list`, { body: list.map((v) => `${v}\n`).join(''), contentType: 'text/plain; charset=UTF-8' });
    const newest = built.filter((m) => m.encodedPath === path).at(-1)!;
    upstream.setFile(`/${path}/@latest`, { body: newest.info, contentType: 'application/json' });
  }
  for (const gone of options.gone ?? []) {
    for (const suffix of ['/@v/list', '/@latest', '/@v/v1.0.0.info', '/@v/v1.0.0.mod', '/@v/v1.0.0.zip']) {
      upstream.setFile(`/${encode(gone)}${suffix}`, { body: 'gone\n', contentType: 'text/plain', status: 410 });
    }
  }
  for (const [rest, body] of sumdb.files) upstream.setFile(`/sumdb/${sumdb.name}/${rest}`, { body, contentType: 'text/plain; charset=utf-8' });
  return {
    upstream,
    modules: built,
    sumdb,
    module: (path, version) => built.find((m) => m.path === path && m.version === version) ?? assertNever(`${path}@${version}`),
  };
}

function assertNever(what: string): never {
  throw new Error(`no fixture module ${what}`);
}
