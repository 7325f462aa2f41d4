import type { SimpleFile, SimpleProject } from './simple-model.js';
import { escapeHtml } from './html-escape.js';

/** Maps an absolute upstream URL to the URL the client should use. */
export type LinkMap = (url: string) => string;

const HASH_PREFERENCE = ['sha256', 'sha384', 'sha512', 'sha224', 'sha1', 'md5'];

/** The one hash a PEP 503 fragment carries: sha256 when listed, else the strongest other. */
function fragmentHash(hashes: Record<string, string>): string | undefined {
  const name = HASH_PREFERENCE.find((h) => hashes[h]) ?? Object.keys(hashes)[0];
  return name === undefined ? undefined : `${name}=${hashes[name]}`;
}

function metadataValue(metadata: SimpleFile['coreMetadata']): string | undefined {
  if (metadata === undefined) return undefined;
  if (metadata === true) return 'true';
  return fragmentHash(metadata) ?? 'true';
}

/** PEP 503 HTML with the PEP 592/658/714 attributes (both metadata attribute names, as PyPI does). */
export function renderHtml(project: SimpleProject, link: LinkMap): string {
  const lines = [
    '<!DOCTYPE html>',
    '<html>',
    '  <head>',
    `    <meta name="pypi:repository-version" content="${escapeHtml(project.apiVersion)}">`,
    `    <title>Links for ${escapeHtml(project.name)}</title>`,
    '  </head>',
    '  <body>',
    `    <h1>Links for ${escapeHtml(project.name)}</h1>`,
  ];
  for (const file of project.files) {
    const hash = fragmentHash(file.hashes);
    let attrs = ` href="${escapeHtml(link(file.url) + (hash ? `#${hash}` : ''))}"`;
    if (file.requiresPython) attrs += ` data-requires-python="${escapeHtml(file.requiresPython)}"`;
    const metadata = metadataValue(file.coreMetadata);
    if (metadata) attrs += ` data-dist-info-metadata="${escapeHtml(metadata)}" data-core-metadata="${escapeHtml(metadata)}"`;
    if (file.gpgSig !== undefined) attrs += ` data-gpg-sig="${file.gpgSig}"`;
    if (file.yanked !== undefined) attrs += ` data-yanked="${file.yanked === true ? '' : escapeHtml(file.yanked)}"`;
    if (file.provenance) attrs += ` data-provenance="${escapeHtml(link(file.provenance))}"`;
    lines.push(`    <a${attrs}>${escapeHtml(file.filename)}</a><br />`);
  }
  lines.push('  </body>', '</html>', '');
  return lines.join('\n');
}

/** A PEP 691 file object built from what an HTML page says. */
function jsonFile(file: SimpleFile, link: LinkMap): Record<string, unknown> {
  const out: Record<string, unknown> = { filename: file.filename, url: link(file.url), hashes: file.hashes };
  if (file.requiresPython) out['requires-python'] = file.requiresPython;
  if (file.coreMetadata !== undefined) out['core-metadata'] = file.coreMetadata;
  if (file.gpgSig !== undefined) out['gpg-sig'] = file.gpgSig;
  if (file.yanked !== undefined) out.yanked = file.yanked;
  if (file.provenance) out.provenance = link(file.provenance);
  return out;
}

/**
 * PEP 691 JSON. A JSON upstream's document is kept key for key (later API versions add keys this
 * plugin does not know) with only URLs, the file list and `versions` changed.
 */
export function renderJson(project: SimpleProject, link: LinkMap): string {
  if (!project.raw) {
    // An HTML page has no sizes or upload times, which api-version 1.1 requires.
    return JSON.stringify({ meta: { 'api-version': '1.0' }, name: project.name, files: project.files.map((f) => jsonFile(f, link)) });
  }
  const files = project.files.map((file) => {
    if (!file.raw) return jsonFile(file, link);
    const out: Record<string, unknown> = { ...file.raw, url: link(file.url) };
    // A provenance link that is not http(s) was left out when parsed (resolveLink): not passed on.
    if (file.provenance) out.provenance = link(file.provenance);
    else delete out.provenance;
    return out;
  });
  const doc: Record<string, unknown> = { ...project.raw, files };
  if (project.versions) doc.versions = project.versions;
  return JSON.stringify(doc);
}
