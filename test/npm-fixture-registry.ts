import { createHash } from 'node:crypto';
import { startUpstream, type UpstreamServer } from '@artifactapi/plugin-sdk/testkit';
import { packTarball } from './npm-fixture-tarball.js';
import type { Teardown } from './helpers/teardown.js';

/** One published version of a fixture package. */
export interface FixtureVersion {
  name: string;
  version: string;
  published: Date;
  dependencies?: Record<string, string>;
  /** Files besides package.json, e.g. `{ 'index.js': '…' }`. */
  files?: Record<string, string>;
  /** The upstream serves other bytes than the packument's integrity describes. */
  tampered?: boolean;
}

/** A throwaway npm registry on loopback, serving full packuments with `time` and the tarballs they list. */
export interface FixtureRegistry {
  upstream: UpstreamServer;
  /** The upstream path of a package's packument (`/a`, `/@scope%2fc`). */
  packumentPath(name: string): string;
  /** The upstream path of a tarball (`/a/-/a-1.0.0.tgz`, `/@scope/c/-/c-1.0.0.tgz`). */
  tarballPath(name: string, version: string): string;
  /** The packument as served, parsed. */
  packument(name: string): Packument;
}

interface Packument {
  name: string;
  'dist-tags': Record<string, string>;
  versions: Record<string, { dist: { tarball: string; integrity: string; shasum: string } }>;
  time: Record<string, string>;
}

function tarballPath(name: string, version: string): string {
  return `/${name}/-/${name.slice(name.indexOf('/') + 1)}-${version}.tgz`;
}

function packumentPath(name: string): string {
  return `/${name.replace('/', '%2f')}`;
}

/**
 * Starts a registry serving `versions`; `latest` is the most recently published version of each
 * package. The registry closes when the test ends.
 */
export async function startFixtureRegistry(t: Teardown, versions: readonly FixtureVersion[]): Promise<FixtureRegistry> {
  const upstream = await startUpstream();
  t.teardown(() => upstream.close());
  const packuments = new Map<string, Packument>();
  const sorted = [...versions].sort((x, y) => x.published.getTime() - y.published.getTime());
  for (const v of sorted) {
    const manifest = { name: v.name, version: v.version, dependencies: v.dependencies ?? {} };
    const tgz = packTarball({ 'package.json': JSON.stringify(manifest, null, 2), ...v.files });
    const path = tarballPath(v.name, v.version);
    const dist = {
      tarball: `${upstream.url}${path}`,
      integrity: `sha512-${createHash('sha512').update(tgz).digest('base64')}`,
      shasum: createHash('sha1').update(tgz).digest('hex'),
    };
    const served = v.tampered ? Buffer.concat([tgz, Buffer.from('tampered')]) : tgz;
    upstream.setFile(path, { body: served, contentType: 'application/octet-stream' });
    let doc = packuments.get(v.name);
    if (!doc) {
      doc = { name: v.name, 'dist-tags': {}, versions: {}, time: { created: v.published.toISOString() } };
      packuments.set(v.name, doc);
    }
    doc.versions[v.version] = { ...manifest, _id: `${v.name}@${v.version}`, dist } as Packument['versions'][string];
    doc.time[v.version] = v.published.toISOString();
    doc.time.modified = v.published.toISOString();
    doc['dist-tags'].latest = v.version;
  }
  for (const [name, doc] of packuments) {
    upstream.setFile(packumentPath(name), { body: JSON.stringify({ _id: name, ...doc }), contentType: 'application/json' });
  }
  return {
    upstream,
    packumentPath,
    tarballPath,
    packument: (name) => {
      const doc = packuments.get(name);
      if (!doc) throw new Error(`no fixture package ${name}`);
      return doc;
    },
  };
}
