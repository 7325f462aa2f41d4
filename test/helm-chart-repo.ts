import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { tarOf } from './helpers/tar-archive.js';
import { parse } from 'yaml';

/** A chart archive as `helm package` lays it out: `<name>/Chart.yaml` and friends, gzipped. */
export async function chartArchive(name: string, version: string): Promise<Buffer> {
  const files = {
    [`${name}/Chart.yaml`]: `apiVersion: v2\nname: ${name}\nversion: ${version}\ndescription: test chart\ntype: application\n`,
    [`${name}/values.yaml`]: 'replicaCount: 1\n',
    [`${name}/templates/configmap.yaml`]: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`,
  };
  return gzipSync(await tarOf(files, new Date(Date.UTC(2024, 0, 1))));
}

/** One version line of an index.yaml. */
export interface IndexedChart {
  name: string;
  version: string;
  /** As the index lists it: relative to the repository or absolute. */
  url: string;
  /** Hex sha256 the index declares. */
  digest: string;
  created: Date;
}

/** An index.yaml written the way `helm repo index` writes one (unquoted RFC 3339 `created`). */
export function indexYaml(charts: readonly IndexedChart[]): string {
  const byName = new Map<string, IndexedChart[]>();
  for (const chart of charts) byName.set(chart.name, [...(byName.get(chart.name) ?? []), chart]);
  let out = 'apiVersion: v1\nentries:\n';
  for (const [name, versions] of byName) {
    out += `  ${name}:\n`;
    for (const v of versions) {
      out +=
        `  - apiVersion: v2\n    created: ${v.created.toISOString()}\n    description: test chart\n` +
        `    digest: ${v.digest}\n    name: ${name}\n    type: application\n    urls:\n    - ${v.url}\n    version: ${v.version}\n`;
    }
  }
  return `${out}generated: ${new Date().toISOString()}\n`;
}

/** The chart URLs of an index document, by `name@version`. */
export function chartUrls(indexText: string): Record<string, string[]> {
  const doc = parse(indexText) as { entries?: Record<string, { name: string; version: string; urls: string[] }[]> };
  const out: Record<string, string[]> = {};
  for (const versions of Object.values(doc.entries ?? {})) for (const v of versions) out[`${v.name}@${v.version}`] = v.urls;
  return out;
}

/** Resolves a chart URL against a repository URL as Helm does (the repository URL plus `/`). */
export function resolveChartUrl(url: string, repoUrl: string): string {
  return new URL(url, `${repoUrl.replace(/\/$/, '')}/`).href;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A remote helm repository named `charts` on `baseUrl`, plus extra lines for its block. */
export function helmConfig(baseUrl: string, extra = ''): string {
  return `
auth: { admin_token: helm-test-token }
remotes:
  charts:
    type: remote
    package: helm
    base_url: ${baseUrl}
${extra.replace(/^/gm, '    ')}
`;
}
