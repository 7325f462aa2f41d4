import type { AuthChallenge } from './upstream-auth.js';

/**
 * `WWW-Authenticate` challenges (RFC 9110 §11.6.1) as registries send them:
 * `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"`
 * or `Basic realm="Registry Realm"`. One header may hold several challenges, and Node joins
 * repeated headers with `, `, so the parser splits challenges where a bare token starts one.
 * Challenges in token68 form (`Negotiate abc==`) are not parsed: registries do not send them.
 */

/** Every challenge in the header(s), in order; an unreadable tail is dropped, never thrown. */
export function parseChallenges(header: string | readonly string[] | undefined): AuthChallenge[] {
  if (header === undefined) return [];
  const challenges: AuthChallenge[] = [];
  for (const line of typeof header === 'string' ? [header] : header) challenges.push(...parseLine(line));
  return challenges;
}

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;
const WHITESPACE = /[ \t]*/y;

function parseLine(line: string): AuthChallenge[] {
  const out: AuthChallenge[] = [];
  let i = 0;
  let current: { scheme: string; params: Record<string, string> } | undefined;
  while (i < line.length) {
    i = skip(line, i);
    if (line[i] === ',') {
      i++;
      continue;
    }
    const name = match(TOKEN, line, i);
    if (name === undefined) break;
    let j = skip(line, i + name.length);
    if (line[j] === '=' && current) {
      j = skip(line, j + 1);
      const value = line[j] === '"' ? quoted(line, j) : bareValue(line, j);
      if (value === undefined) break;
      // defineProperty: a parameter named `__proto__` is a parameter, not the object's prototype.
      Object.defineProperty(current.params, name.toLowerCase(), { value: value.value, enumerable: true, writable: true, configurable: true });
      i = value.end;
      continue;
    }
    current = { scheme: name.toLowerCase(), params: {} };
    out.push(current);
    i = j;
  }
  return out;
}

function skip(line: string, i: number): number {
  WHITESPACE.lastIndex = i;
  WHITESPACE.exec(line);
  return WHITESPACE.lastIndex;
}

function match(pattern: RegExp, line: string, i: number): string | undefined {
  pattern.lastIndex = i;
  return pattern.exec(line)?.[0];
}

function quoted(line: string, start: number): { value: string; end: number } | undefined {
  let value = '';
  for (let i = start + 1; i < line.length; i++) {
    const c = line[i];
    if (c === '\\') value += line[++i] ?? '';
    else if (c === '"') return { value, end: i + 1 };
    else value += c;
  }
  return undefined;
}

function bareValue(line: string, start: number): { value: string; end: number } | undefined {
  const m = /[^\s,]+/y;
  m.lastIndex = start;
  const value = m.exec(line)?.[0];
  return value === undefined ? undefined : { value, end: start + value.length };
}
