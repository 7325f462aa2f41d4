import fc from 'fast-check';

/*
 * Property-based tests (fast-check) over everything that reads untrusted bytes: run settings,
 * generators of hostile input, and the checks every such test makes. Its own entry point
 * (`@artifactapi/plugin-sdk/testkit/fuzz`) so the rest of the test kit does not need fast-check.
 */

/** The seed every property starts from unless FC_SEED says otherwise: runs are repeatable. */
export const DEFAULT_SEED = 20261204;

/** Wall-clock bound of one property: past it the property stops, passing with the runs it made. */
export const DEFAULT_TIME_LIMIT_MS = 5_000;

/**
 * fast-check parameters for one property: a fixed seed (FC_SEED overrides it; a failure prints
 * the seed and path to replay), `numRuns` runs (FC_NUM_RUNS overrides every property's count),
 * and a bound on the time the whole property may take. `timeoutMs` bounds each run of an async
 * property (a synchronous run cannot be interrupted; ava's own timeout is the backstop).
 */
export function fuzzParameters<T>(numRuns: number, options: { timeLimitMs?: number; timeoutMs?: number } = {}): fc.Parameters<T> {
  const seed = envInteger('FC_SEED') ?? DEFAULT_SEED;
  const plugins = [fc.interruptAfterTimeLimit(options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS)];
  if (options.timeoutMs !== undefined) plugins.push(fc.timeout(options.timeoutMs));
  return { seed, numRuns: envInteger('FC_NUM_RUNS') ?? numRuns, plugins };
}

function envInteger(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new Error(`${name} must be an integer, got ${JSON.stringify(value)}`);
  return n;
}

/** Checks a synchronous property with {@link fuzzParameters}. */
export function checkProperty<Ts extends [unknown, ...unknown[]]>(property: fc.IProperty<Ts>, numRuns: number): void {
  fc.assert(property, fuzzParameters<Ts>(numRuns));
}

/** Checks an async property with {@link fuzzParameters}; each run is bounded by `timeoutMs`. */
export async function checkAsyncProperty<Ts extends [unknown, ...unknown[]]>(property: fc.IAsyncProperty<Ts>, numRuns: number, timeoutMs = 2_000): Promise<void> {
  await fc.assert(property, fuzzParameters<Ts>(numRuns, { timeoutMs }));
}

/** Keys that reach `Object.prototype` or shadow what code reads off every object. */
export const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf'] as const;

/** An object key: a hostile one half of the time, else a short string. */
export function hostileKey(): fc.Arbitrary<string> {
  return fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 8 }));
}

/** Any JSON value whose objects often carry hostile keys (as own properties, the way JSON.parse makes them). */
export function hostileJsonValue(maxDepth = 3): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof({ depthSize: 'small', maxDepth }, leaf, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(hostileKey(), tie('value'), { maxKeys: 4, noNullPrototype: true })),
  }));
  return value;
}

/** JSON text of {@link hostileJsonValue}, or of an object with hostile keys at the top. */
export function hostileJsonText(maxDepth = 3): fc.Arbitrary<string> {
  return fc.oneof(hostileJsonValue(maxDepth), fc.dictionary(hostileKey(), hostileJsonValue(maxDepth - 1), { maxKeys: 5, noNullPrototype: true })).map((v) => JSON.stringify(v));
}

/** The value of a known field: the expected shape mostly, anything JSON now and then. */
export function loose<T>(expected: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: expected, weight: 4 }, { arbitrary: hostileJsonValue(2), weight: 1 });
}

/** Bytes a parser should refuse or read: noise, text, or a small edit of `near` (a valid document). */
export function hostileBytes(near?: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  const noise = fc.uint8Array({ maxLength: 256 });
  const text = fc.string({ unit: 'binary', maxLength: 200 }).map((s) => new TextEncoder().encode(s));
  if (!near) return fc.oneof(noise, text);
  const edited = fc.tuple(near, fc.nat(), fc.nat(), fc.uint8Array({ maxLength: 8 })).map(([bytes, at, cut, insert]) => {
    const start = bytes.length === 0 ? 0 : at % bytes.length;
    const out = new Uint8Array(bytes.length + insert.length);
    out.set(bytes.subarray(0, start));
    out.set(insert, start);
    out.set(bytes.subarray(start), start + insert.length);
    return cut % 3 === 0 ? out.subarray(0, cut % (out.length + 1)) : out;
  });
  return fc.oneof(noise, text, near, edited);
}

/** Host names small enough in number that generated URLs often share (or almost share) the upstream's. */
const HOSTS = ['upstream.test', 'UPSTREAM.test', 'files.test', 'evil.test', 'upstream.test.evil.test', '127.0.0.1', '[::1]', 'xn--e1afmkfd.test'];

/** A path of a few segments, with the characters that make URL parsers and prefix checks disagree. */
export function urlPath(): fc.Arbitrary<string> {
  const segment = fc.oneof(
    fc.constantFrom('a', 'v3', 'packages', 'charts', '-', 'x.tgz', '..', '.', '%2e%2e', '%2F', '%00', '@evil.test', '\\evil.test', '', 'a?b', 'a#b', ' '),
    fc.string({ maxLength: 6 }),
  );
  return fc.array(segment, { maxLength: 4 }).map((s) => s.join('/'));
}

/**
 * URLs as hostile index documents give them: absolute on the upstream's host and on others (other
 * schemes, ports, userinfo, queries, fragments, mixed case), protocol-relative, root-relative and
 * relative ones, and strings that only look like URLs. `bases` are URLs the repository trusts
 * (its base_url, files host): links below them are generated too.
 */
export function hostileUrl(bases: readonly string[] = []): fc.Arbitrary<string> {
  const scheme = fc.constantFrom('http', 'https', 'HTTPS', 'ftp', 'javascript', 'data', 'file');
  const host = fc.constantFrom(...HOSTS);
  const userinfo = fc.constantFrom('', 'user@', 'user:pass@', 'upstream.test@');
  const port = fc.constantFrom('', ':80', ':443', ':8080', ':0');
  const query = fc.constantFrom('', '?x=1', '?', '?redirect=https://evil.test/');
  const fragment = fc.constantFrom('', '#sha256=00', '#@evil.test', '#');
  const absolute = fc.tuple(scheme, userinfo, host, port, urlPath(), query, fragment).map(([s, u, h, p, path, q, f]) => `${s}://${u}${h}${p}/${path}${q}${f}`);
  const prefixed = fc.tuple(fc.constantFrom('//', '/', '', './', '../', '\\\\', '/\\', ' ', '\t//'), fc.constantFrom(...HOSTS, ''), urlPath()).map(([pre, h, path]) => `${pre}${h}${h ? '/' : ''}${path}`);
  const odd = fc.constantFrom('javascript:alert(1)', 'data:text/html,<script>', 'http:evil.test/x', 'https:/evil.test/x', 'http://', 'https://evil.test', 'mailto:a@evil.test', '');
  const arbitraries: fc.Arbitrary<string>[] = [absolute, prefixed, odd, fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.string({ maxLength: 20 })];
  if (bases.length > 0) {
    const below = fc.tuple(fc.constantFrom(...bases), urlPath(), query, fragment).map(([b, path, q, f]) => `${b.replace(/\/+$/, '')}/${path}${q}${f}`);
    arbitraries.push(below, below);
  }
  return fc.oneof(...arbitraries);
}

/** A publish time as documents write it: ISO 8601 mostly, other date shapes and garbage now and then. */
export function timestamp(): fc.Arbitrary<string> {
  const date = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2040-01-01T00:00:00Z'), noInvalidDate: true });
  return fc.oneof(
    { arbitrary: date.map((d) => d.toISOString()), weight: 4 },
    { arbitrary: date.map((d) => d.toUTCString()), weight: 1 },
    { arbitrary: fc.constantFrom('', 'yesterday', '1', '2030', '-1', 'NaN', '9999-99-99T99:99:99Z', '2013-05-13 08:31:19 -0700'), weight: 1 },
  );
}

/** A quarantine cutoff (ms since epoch) or none; dates around the ones {@link timestamp} makes. */
export function quarantineCutoff(): fc.Arbitrary<number | undefined> {
  return fc.option(fc.integer({ min: Date.parse('1990-01-01T00:00:00Z'), max: Date.parse('2040-01-01T00:00:00Z') }), { nil: undefined });
}

/** The own property names of the built-in prototypes parsed input could reach. */
export function prototypeSnapshot(): string {
  const names = (o: object) => Reflect.ownKeys(o).map(String).sort().join(',');
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype].map(names).join('|');
}

/** The part of ava's execution context {@link checkPrototypesAfterEach} uses. */
export interface EqualityAssertions {
  is(actual: unknown, expected: unknown, message?: string): unknown;
}

/**
 * Checks after every test of a file that no built-in prototype gained a property (prototype
 * pollution by a parser). Pass ava's `test.afterEach.always`.
 */
export function checkPrototypesAfterEach(afterEach: (check: (t: EqualityAssertions) => void) => void): void {
  const pristine = prototypeSnapshot();
  afterEach((t) => t.is(prototypeSnapshot(), pristine, 'a built-in prototype gained properties'));
}

/**
 * Throws when `value` (a parse result, the facts an inspector returns) is not plain data: every
 * object's prototype is Object.prototype, Array.prototype or null, and no property is an accessor.
 * A key `__proto__` assigned with `obj[key] = …` swaps an object's prototype: its "entries" then
 * come from the prototype, invisible to Object.keys and visible to every lookup.
 */
export function assertPlainData(value: unknown, where = 'result'): void {
  const seen = new Set<object>();
  const visit = (v: unknown, at: string): void => {
    if (typeof v !== 'object' || v === null || seen.has(v)) return;
    seen.add(v);
    if (ArrayBuffer.isView(v) || v instanceof Date || v instanceof RegExp) return;
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) throw new Error(`${at} has an unexpected prototype: ${JSON.stringify(proto)?.slice(0, 200)}`);
    for (const key of Reflect.ownKeys(v)) {
      const descriptor = Object.getOwnPropertyDescriptor(v, key)!;
      if (descriptor.get || descriptor.set) throw new Error(`${at}.${String(key)} is an accessor`);
      visit(descriptor.value, `${at}.${String(key)}`);
    }
  };
  visit(value, where);
}

/**
 * Runs `fn` and lets through only errors of the `allowed` classes: anything else thrown (a
 * TypeError from reading a field of null, say) is what the property is looking for.
 */
export async function onlyThrows<T>(allowed: readonly (abstract new (...args: never[]) => Error)[], fn: () => T | Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (allowed.some((type) => err instanceof type)) return undefined;
    throw err;
  }
}

/** Synchronous {@link onlyThrows}. */
export function onlyThrowsSync<T>(allowed: readonly (abstract new (...args: never[]) => Error)[], fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    if (allowed.some((type) => err instanceof type)) return undefined;
    throw err;
  }
}

/** Every string anywhere in a JSON value. */
export function stringsIn(value: unknown): string[] {
  const out: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === 'object' && v !== null) for (const key of Object.keys(v)) visit((v as Record<string, unknown>)[key]);
  };
  visit(value);
  return out;
}

/**
 * True when `url`, resolved the way a client resolves a link in a document served from
 * `publicBase`, stays below `publicBase` (same origin, path under the base's path, no userinfo).
 */
export function staysUnder(url: string, publicBase: string): boolean {
  const base = new URL(`${publicBase.replace(/\/+$/, '')}/`);
  let resolved: URL;
  try {
    resolved = new URL(url, base);
  } catch {
    return false;
  }
  return resolved.origin === base.origin && !resolved.username && !resolved.password && resolved.pathname.startsWith(base.pathname);
}
