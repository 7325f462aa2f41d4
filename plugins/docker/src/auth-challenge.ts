/**
 * `WWW-Authenticate` challenges (RFC 9110 §11.6.1) as registries send them:
 * `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"`
 * or `Basic realm="Registry Realm"`. One header may hold several challenges, and Node joins
 * repeated headers with `, `, so the parser splits challenges where a bare token starts one.
 */

export interface Challenge {
  /** Lower-cased: `bearer`, `basic`, … */
  scheme: string;
  /** Parameter names lower-cased, values unquoted. */
  params: Record<string, string>;
}

/** Every challenge in the header(s), in order; an unreadable tail is dropped, never thrown. */
export function parseChallenges(header: string | readonly string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  const challenges: Challenge[] = [];
  for (const line of typeof header === 'string' ? [header] : header) challenges.push(...parseLine(line));
  return challenges;
}

/** The challenge to answer: Bearer (the token flow) before Basic; undefined for anything else. */
export function selectChallenge(challenges: readonly Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
}

/** True when a Bearer challenge says the token lacks scope (`error="insufficient_scope"`): fetch a new one with the challenge's scope. */
export function isInsufficientScope(challenge: Challenge): boolean {
  return challenge.scheme === 'bearer' && challenge.params.error === 'insufficient_scope';
}

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;
const WHITESPACE = /[ \t]*/y;

function parseLine(line: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  let current: Challenge | undefined;
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
      current.params[name.toLowerCase()] = value.value;
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
