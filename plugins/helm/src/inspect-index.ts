import type { ArtifactFacts, ExpectedDigest, InspectContext } from '@artifactapi/plugin-sdk';
import { chartHosts, proxyPathOf } from './chart-location.js';
import { createdAt, entriesOf, parseIndex, versionsOf } from './helm-index.js';

const SHA256_HEX = /^(?:sha256:)?([0-9a-fA-F]{64})$/;

/**
 * Inspector task for `helm-index` (runs in the worker pool): for every chart archive the proxy
 * can fetch, its sha256 (`digest`), when it was published (`created`) and `name@version`; the
 * `.prov` next to it gets the same date, so a quarantined version's provenance is refused too.
 * Keys are the repository paths the rewritten index points at.
 */
export function inspectHelmIndex(input: { body: Uint8Array; ctx: InspectContext }): Record<string, ArtifactFacts> {
  const { body, ctx } = input;
  const hosts = chartHosts(ctx.upstreamBase, ctx.options);
  const entries = entriesOf(parseIndex(body).doc) ?? {};
  // A Map, not `{}`: a chart URL `__proto__` is a path like any other, not the result's prototype.
  const facts = new Map<string, ArtifactFacts>();
  for (const [chart, value] of Object.entries(entries)) {
    for (const version of versionsOf(value)) {
      const dated: ArtifactFacts = { version: `${stringOr(version.name, chart)}@${stringOr(version.version, '?')}` };
      const created = createdAt(version);
      if (created !== undefined) dated.publishedAt = new Date(created).toISOString();
      const digest = sha256Of(version.digest);
      const archive: ArtifactFacts = digest ? { ...dated, digests: [digest] } : dated;
      for (const url of Array.isArray(version.urls) ? version.urls : []) {
        const path = typeof url === 'string' ? proxyPathOf(url, hosts) : undefined;
        if (path === undefined) continue;
        facts.set(path, archive);
        facts.set(`${path}.prov`, dated);
      }
    }
  }
  return Object.fromEntries(facts);
}

function sha256Of(value: unknown): ExpectedDigest | undefined {
  const match = typeof value === 'string' ? SHA256_HEX.exec(value.trim()) : null;
  return match ? { algorithm: 'sha256', hex: match[1]!.toLowerCase() } : undefined;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : fallback;
}
