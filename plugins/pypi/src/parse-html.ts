import { Parser } from 'htmlparser2';
import { lastSegment } from './names.js';
import { resolveLink } from './file-urls.js';
import type { SimpleFile, SimpleProject } from './simple-model.js';

/** One `<a>` of an HTML index with its attributes (entities decoded) and its text. */
export interface Anchor {
  attrs: Record<string, string>;
  text: string;
}

/** Anchors, `<base href>` and the repository-version meta tag of an HTML document. */
export interface HtmlLinks {
  anchors: Anchor[];
  base?: string;
  repositoryVersion?: string;
}

/** Collects the anchors of an HTML document with a real parser (hrefs are entity-escaped, may be unquoted…). */
export function scanHtml(html: string): HtmlLinks {
  const out: HtmlLinks = { anchors: [] };
  let open: Anchor | undefined;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === 'a') open = { attrs, text: '' };
        else if (name === 'base' && attrs.href !== undefined && out.base === undefined) out.base = attrs.href;
        else if (name === 'meta' && attrs.name === 'pypi:repository-version' && attrs.content) out.repositoryVersion = attrs.content;
      },
      ontext(text) {
        if (open) open.text += text;
      },
      onclosetag(name) {
        if (name === 'a' && open) {
          out.anchors.push({ attrs: open.attrs, text: open.text.trim() });
          open = undefined;
        }
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return out;
}

/** PEP 658 attribute value: `true`, or `<hashname>=<hex>`; anything else means no metadata file. */
function metadataAttr(value: string | undefined): SimpleFile['coreMetadata'] {
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  const eq = value.indexOf('=');
  if (eq <= 0) return undefined;
  return { [value.slice(0, eq).toLowerCase()]: value.slice(eq + 1).toLowerCase() };
}

/** Reads a PEP 503 project page; relative hrefs resolve against `documentUrl` (or the page's `<base>`). */
export function parseHtmlProject(html: string, documentUrl: string, name: string): SimpleProject {
  const links = scanHtml(html);
  const base = links.base !== undefined ? (resolveLink(links.base, documentUrl)?.href ?? documentUrl) : documentUrl;
  const files: SimpleFile[] = [];
  for (const { attrs, text } of links.anchors) {
    if (attrs.href === undefined) continue;
    const url = resolveLink(attrs.href, base);
    if (!url) continue;
    const hashes: Record<string, string> = {};
    const fragment = url.hash.slice(1);
    const eq = fragment.indexOf('=');
    if (eq > 0) hashes[fragment.slice(0, eq).toLowerCase()] = fragment.slice(eq + 1).toLowerCase();
    url.hash = '';
    const file: SimpleFile = { filename: text || lastSegment(url.pathname), url: url.href, hashes };
    if (attrs['data-requires-python']) file.requiresPython = attrs['data-requires-python'];
    const metadata = metadataAttr(attrs['data-core-metadata'] ?? attrs['data-dist-info-metadata']);
    if (metadata) file.coreMetadata = metadata;
    if (attrs['data-yanked'] !== undefined) file.yanked = attrs['data-yanked'] || true;
    if (attrs['data-gpg-sig'] !== undefined) file.gpgSig = attrs['data-gpg-sig'] === 'true';
    if (attrs['data-provenance']) {
      const provenance = resolveLink(attrs['data-provenance'], base);
      if (provenance) file.provenance = provenance.href;
    }
    files.push(file);
  }
  return { name, apiVersion: links.repositoryVersion ?? '1.0', files };
}
