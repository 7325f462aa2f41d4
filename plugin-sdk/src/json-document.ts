/** How deeply a document's arrays and objects may nest before it is refused. */
export const MAX_JSON_DEPTH = 256;

const OPEN_OBJECT = 0x7b; // {
const OPEN_ARRAY = 0x5b; // [
const CLOSE_OBJECT = 0x7d; // }
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * Parses an upstream JSON document (a packument, an index page) for a rewriter or an inspector.
 * A document that is not JSON, or nests deeper than `maxDepth`, throws a SyntaxError: that is
 * how a task tells the core the upstream sent an unreadable document (a 502), not that the plugin
 * failed (a 500). The depth is checked before parsing because the code that walks or serialises
 * a 100,000-deep document overflows the stack, in the worker and again wherever it goes next.
 */
export function parseJsonDocument(body: Uint8Array | string, what: string, maxDepth = MAX_JSON_DEPTH): unknown {
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  const depth = nestingDepth(text, maxDepth);
  if (depth > maxDepth) throw new SyntaxError(`${what} nests deeper than ${maxDepth} levels`);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new SyntaxError(`${what} is not valid JSON: ${(err as Error).message}`);
  }
}

/** The deepest nesting of `[` / `{` outside strings, counting no further than `limit + 1`. */
function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--;
  }
  return deepest;
}
