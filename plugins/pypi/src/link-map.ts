import { proxiedPath, upstreamHosts } from './file-urls.js';
import type { LinkMap } from './render-simple.js';

/** The subset of a rewrite context that decides where links point. */
export interface LinkContext {
  publicBase: string;
  upstreamBase: string;
  options: Readonly<Record<string, unknown>>;
}

/** Links to upstream files and provenance become links to the proxy; any other URL is kept. */
export function proxyLinks(ctx: LinkContext): LinkMap {
  const hosts = upstreamHosts(ctx.upstreamBase, ctx.options);
  return (url) => {
    const path = proxiedPath(new URL(url), hosts);
    return path === undefined ? url : `${ctx.publicBase}/${path}`;
  };
}
