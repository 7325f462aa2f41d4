import { REPOSITORY_PREFIX } from './repo-path.js';

/** A path parameter as fastify writes one: `:name`, a whole segment. */
const PARAMETER = /^:[A-Za-z0-9_]+$/;

/**
 * The URLs under the core's repository URLs that plugin routes registered (puppet's list pages,
 * terraform's mirror protocol): fastify sends them to the plugin, so the hot path, which answers
 * ahead of fastify's routing, leaves them to it. Patterns are read as fastify's router reads the
 * simple ones (`:name` is one segment, a final `*` anything); a fancier pattern (a regular
 * expression, several parameters in a segment) claims everything under its static beginning.
 */
export class ClaimedUrls {
  readonly #patterns: RegExp[] = [];

  /** Records a plugin route's URL pattern, when it lies under the repository URLs. */
  claim(pattern: string): void {
    if (pattern.startsWith(REPOSITORY_PREFIX)) this.#patterns.push(matcher(pattern));
  }

  /** Whether a plugin route may answer `url` (its query is ignored). */
  claims(url: string): boolean {
    if (this.#patterns.length === 0) return false;
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    return this.#patterns.some((pattern) => pattern.test(path));
  }
}

function matcher(pattern: string): RegExp {
  const segments = pattern.split('/');
  let source = '';
  for (const [index, segment] of segments.entries()) {
    if (index > 0) source += '/';
    if (segment === '*' && index === segments.length - 1) return new RegExp(`^${source}`);
    if (PARAMETER.test(segment)) {
      source += '[^/]+';
      continue;
    }
    const special = segment.search(/[:*(]/);
    if (special >= 0) return new RegExp(`^${source}${escape(segment.slice(0, special))}`);
    source += escape(segment);
  }
  return new RegExp(`^${source}$`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
