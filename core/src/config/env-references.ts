import { randomBytes } from 'node:crypto';
import { formatPath, type ConfigIssue } from './config-error.js';

/**
 * `${VAR}` / `${VAR:-default}` references are swapped for plain placeholder tokens before the
 * YAML is parsed and swapped back for their values afterwards, in string scalars only. Doing it
 * in two steps keeps the key path for error messages, keeps values out of YAML parsing (a `#`
 * or `: ` in a password stays literal) and lets `{ admin_token: ${ADMIN_TOKEN} }` be written
 * in flow style, where a bare `{` would otherwise be YAML syntax.
 */

type Reference = { kind: 'var'; name: string; fallback: string | undefined; raw: string } | { kind: 'escape' };

/** YAML text with references replaced by tokens, and the way back. */
export interface TokenizedText {
  text: string;
  references: Reference[];
  /** Matches a token; group 1 is the index into `references`. */
  tokenPattern: RegExp;
  /** Maps an offset in `text` back to the offset in the original text (for syntax errors). */
  originalOffset(offset: number): number;
}

const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}\n]*))?\}/g;

/** Replaces every well-formed reference and every `$${` escape with a token. */
export function tokenize(source: string): TokenizedText {
  let nonce: string;
  do nonce = `aapienv${randomBytes(4).toString('hex')}`;
  while (source.includes(nonce));

  const references: Reference[] = [];
  // [original start, original end, new start, new end] of each replacement, in order
  const spans: [number, number, number, number][] = [];
  let shift = 0;
  const text = source.replace(REFERENCE, (raw: string, name: string | undefined, fallback: string | undefined, at: number) => {
    references.push(name === undefined ? { kind: 'escape' } : { kind: 'var', name, fallback, raw });
    const token = `${nonce}n${references.length - 1}x`;
    spans.push([at, at + raw.length, at + shift, at + shift + token.length]);
    shift += token.length - raw.length;
    return token;
  });

  return {
    text,
    references,
    tokenPattern: new RegExp(`${nonce}n(\\d+)x`, 'g'),
    originalOffset(offset) {
      let mapped = offset;
      for (const [origStart, origEnd, newStart, newEnd] of spans) {
        if (offset < newStart) break;
        mapped = offset < newEnd ? origStart : origEnd + (offset - newEnd);
      }
      return mapped;
    },
  };
}

/**
 * Puts values back into a parsed document: references in string scalars get their environment
 * value, references in keys stay as written (keys are names, not settings). Also drops `key:`
 * entries with no value, so they mean "unset" rather than tripping type checks; an empty
 * repository block still counts as a block so its missing keys are reported.
 */
export function substitute(
  value: unknown,
  tokens: TokenizedText,
  env: NodeJS.ProcessEnv,
  issues: ConfigIssue[],
): unknown {
  const restore = (text: string, path: (string | number)[], inKey: boolean): string =>
    text.replace(tokens.tokenPattern, (_m, index: string) => {
      const ref = tokens.references[Number(index)]!;
      if (ref.kind === 'escape') return '${';
      if (inKey) return ref.raw;
      const current = env[ref.name];
      if (current !== undefined && (current !== '' || ref.fallback === undefined)) return current;
      if (ref.fallback !== undefined) return ref.fallback;
      issues.push({
        path: formatPath(path),
        message: `${formatPath(path)} refers to \${${ref.name}}, but the environment variable ${ref.name} is not set (write \${${ref.name}:-default} to give a default)`,
      });
      return '';
    });

  const walk = (node: unknown, path: (string | number)[]): unknown => {
    if (typeof node === 'string') {
      if (node.includes('${')) {
        issues.push({
          path: formatPath(path),
          message: `${formatPath(path)} has a malformed reference; write \${NAME} or \${NAME:-default}, or $\${ for a literal \${`,
        });
      }
      return restore(node, path, false);
    }
    if (Array.isArray(node)) {
      return node.map((item, i) => {
        if (item === null || item === undefined) {
          issues.push({ path: formatPath([...path, i]), message: `${formatPath([...path, i])} is empty` });
        }
        return walk(item, [...path, i]);
      });
    }
    if (node !== null && typeof node === 'object') {
      const isRepoSection = path.length === 1 && (path[0] === 'remotes' || path[0] === 'virtuals');
      const out: Record<string, unknown> = {};
      for (const [rawKey, child] of Object.entries(node)) {
        const key = restore(rawKey, path, true);
        if (child === null || child === undefined) {
          if (isRepoSection) defineKey(out, key, {});
          continue;
        }
        defineKey(out, key, walk(child, [...path, key]));
      }
      return out;
    }
    return node;
  };

  return walk(value, []);
}

/** Sets `key` as an own property: `__proto__` written in the file is a key the schema refuses, not the object's prototype. */
function defineKey(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
