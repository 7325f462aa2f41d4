import { definePlugin, UPSTREAM_URL_OPTION, urlOption, type Classification } from '@artifactapi/plugin-sdk';
import { filesBase } from './file-urls.js';
import { SIMPLE_HTML, SIMPLE_JSON } from './media-types.js';
import { canonicalFilePath, canonicalSegment, lastSegment, normaliseName, parseDistFilename } from './names.js';
import { negotiateSimple } from './negotiate.js';

const task = (file: string, name: string) => ({ module: new URL(file, import.meta.url).href, export: name });

/** Index kinds: a project page, the list of all projects, Warehouse's JSON API. */
const SIMPLE = 'simple';
const PROJECTS = 'projects';
const LEGACY_JSON = 'legacy-json';

const SIMPLE_PAGE = /^simple\/([^/]+)\/?$/;
const LEGACY = /^pypi\/([^/]+)\/(?:([^/]+)\/)?json\/?$/;
const PROJECT_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const FILE = /^(?:packages|integrity)\/(?:[^/]+\/)*[^/]+$/;

/** A project name segment as the cache key spells it, or undefined when it does not decode. */
function nameSegment(segment: string): string | undefined {
  try {
    return encodeURIComponent(normaliseName(decodeURIComponent(segment)));
  } catch {
    return undefined;
  }
}

const UPSTREAM_SIMPLE_ACCEPT = Object.freeze({
  // JSON carries PEP 700 upload times (quarantine); an upstream that only speaks PEP 503 answers HTML.
  accept: `${SIMPLE_JSON}, ${SIMPLE_HTML};q=0.2, text/html;q=0.1`,
});
const UPSTREAM_JSON_ACCEPT = Object.freeze({ accept: 'application/json' });

/**
 * The PyPI package type: PEP 503/691 simple pages (negotiated JSON or HTML, file links rewritten
 * to the proxy, quarantine by PEP 700 upload time), files and PEP 658 metadata verified against
 * the page's hashes. Repository options: `base_url` is the index host, `files_url` the files host.
 */
export default definePlugin({
  type: 'pypi',
  description: 'Python packages: PEP 503/691 simple index, files on files_url, PEP 658 metadata',

  options: {
    properties: {
      files_url: { ...UPSTREAM_URL_OPTION, description: 'The host of package files (files.pythonhosted.org); default: base_url.' },
    },
  },

  upstreamHosts: (ctx) => {
    const files = urlOption(ctx.repo.options, 'files_url');
    return files ? [files] : [];
  },

  canonicalPath(path) {
    if (path === 'simple') return 'simple/';
    const page = SIMPLE_PAGE.exec(path);
    if (page) {
      const name = nameSegment(page[1]!);
      return name === undefined ? path : `simple/${name}/`;
    }
    const legacy = LEGACY.exec(path);
    if (legacy) {
      const name = nameSegment(legacy[1]!);
      if (name === undefined) return path;
      return legacy[2] === undefined ? `pypi/${name}/json` : `pypi/${name}/${canonicalSegment(legacy[2])}/json`;
    }
    if (path.startsWith('packages/') || path.startsWith('integrity/')) return canonicalFilePath(path);
    return path;
  },

  classify(path): Classification {
    if (path === 'simple/') return { cache: 'mutable', index: PROJECTS };
    const page = SIMPLE_PAGE.exec(path);
    if (page) {
      return PROJECT_NAME.test(page[1]!) ? { cache: 'mutable', index: SIMPLE } : { cache: 'deny', reason: 'not a valid project name' };
    }
    const legacy = LEGACY.exec(path);
    if (legacy) {
      return PROJECT_NAME.test(legacy[1]!) ? { cache: 'mutable', index: LEGACY_JSON } : { cache: 'deny', reason: 'not a valid project name' };
    }
    if (FILE.test(path)) return { cache: 'immutable' };
    return { cache: 'deny', reason: 'not a PyPI simple index, JSON API or package file path' };
  },

  upstreamUrl(path, ctx) {
    if (path.startsWith('packages/')) return `${filesBase(ctx.repo.baseUrl, ctx.repo.options)}/${path}`;
    return `${ctx.repo.baseUrl}/${path}`;
  },

  upstreamHeaders(path) {
    if (path.startsWith('simple/')) return UPSTREAM_SIMPLE_ACCEPT;
    if (path.startsWith('pypi/')) return UPSTREAM_JSON_ACCEPT;
    return {};
  },

  negotiate(path, headers) {
    return path.startsWith('simple/') ? negotiateSimple(headers.accept) : { variant: 'default' };
  },

  indexOf(path) {
    if (!path.startsWith('packages/')) return undefined;
    // A file URL does not name its project (PyPI's are hash-addressed), its file name does.
    const filename = lastSegment(path).replace(/\.metadata$/, '');
    const dist = parseDistFilename(filename);
    if (!dist) return undefined;
    return { path: `simple/${encodeURIComponent(normaliseName(dist.project))}/`, index: SIMPLE };
  },

  rewriters: {
    [SIMPLE]: task('./rewrite-simple.js', 'rewriteSimple'),
    [PROJECTS]: task('./rewrite-projects.js', 'rewriteProjects'),
    [LEGACY_JSON]: task('./rewrite-legacy-json.js', 'rewriteLegacyJson'),
  },
  inspectors: {
    [SIMPLE]: task('./inspect-simple.js', 'inspectSimple'),
  },
});
