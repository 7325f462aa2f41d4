import test from 'ava';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { assertPlainData, checkProperty, hostileJsonValue, hostileKey, hostileUrl, loose, checkPrototypesAfterEach } from '@artifactapi/plugin-sdk/testkit/fuzz';
import { formatPath } from '../src/config/config-error.js';
import { ConfigError, parseConfig } from '../src/config/index.js';

// Properties of the configuration loader: any YAML, any mapping of any shape, loads or fails with
// a ConfigError (AAPI_ERR_CONFIG_INVALID) whose every issue names where (a key path of the
// document, an environment variable, or '' for the file as a whole).

checkPrototypesAfterEach(test.afterEach.always);

const reference = fc.constantFrom('${HOME}', '${AAPI_X:-fallback}', '${MISSING}', '${', '$${ESCAPED}', '${A:-${B}}', 'plain');
const scalar = fc.oneof(fc.string({ maxLength: 10 }), fc.integer({ min: -5, max: 100_000 }), fc.boolean(), fc.constant(null), reference);
const repoBlock = fc.record(
  {
    type: loose(fc.constantFrom('remote', 'local', 'virtual', 'REMOTE')),
    package: loose(fc.constantFrom('generic', 'npm', 'docker', 'nope')),
    base_url: loose(fc.oneof(hostileUrl(), reference)),
    patterns: loose(fc.array(fc.oneof(fc.constantFrom('^a/', '([unclosed', '.*', '(?<x>'), fc.string({ maxLength: 6 })), { maxLength: 3 })),
    blocklist: loose(fc.array(fc.string({ maxLength: 6 }), { maxLength: 2 })),
    cache: loose(fc.record({ mutable_ttl: loose(fc.nat()), immutable_ttl: loose(fc.nat()) }, { requiredKeys: [] })),
    members: loose(fc.array(fc.constantFrom('a', 'b', '__proto__', 'nope'), { maxLength: 3 })),
    username: scalar,
    password: scalar,
  },
  { requiredKeys: [] },
);
const repos = fc.dictionary(fc.oneof(fc.constantFrom('a', 'b'), hostileKey()), loose(repoBlock), { maxKeys: 3, noNullPrototype: true });
const section = fc.dictionary(hostileKey(), fc.oneof(scalar, hostileJsonValue(1)), { maxKeys: 3, noNullPrototype: true });
const document = fc
  .tuple(
    fc.record(
      {
        auth: loose(fc.record({ admin_token: scalar }, { requiredKeys: [] })),
        server: loose(section),
        log: loose(fc.record({ level: loose(fc.constantFrom('info', 'debug', 'loud')) }, { requiredKeys: [] })),
        storage: loose(fc.record({ kind: loose(fc.constantFrom('fs', 's3', 'tape')), path: scalar }, { requiredKeys: [] })),
        metadata: loose(section),
        upstream: loose(section),
        workers: loose(fc.record({ size: loose(fc.integer({ min: -1, max: 64 })) }, { requiredKeys: [] })),
        remotes: loose(repos),
        locals: loose(repos),
        virtuals: loose(repos),
      },
      { requiredKeys: [] },
    ),
    fc.dictionary(hostileKey(), hostileJsonValue(2), { maxKeys: 2, noNullPrototype: true }),
  )
  .map(([known, extra]) => ({ ...extra, ...known }));

/** The top-level keys of a YAML text as the yaml library reads it; none when it does not parse to a mapping. */
function topKeysOf(text: string): string[] {
  try {
    const doc = parse(text, { merge: true }) as unknown;
    return typeof doc === 'object' && doc !== null ? Object.keys(doc) : [];
  } catch {
    return [];
  }
}

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** Loads or fails with a ConfigError whose issues all say where; returns the error when it failed. */
function load(text: string, topKeys: readonly string[]): ConfigError | undefined {
  try {
    const config = parseConfig(text, { env: { HOME: '/home/x' }, dataDir: '/srv/aapi', knownPackages: ['generic', 'npm', 'docker'] });
    assertPlainData(config, 'config');
    return undefined;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    if (err.code !== 'AAPI_ERR_CONFIG_INVALID' || err.issues.length === 0) throw new Error(`ConfigError with code ${err.code} and ${err.issues.length} issues`);
    for (const issue of err.issues) {
      if (typeof issue.path !== 'string' || typeof issue.message !== 'string' || issue.message === '') throw new Error(`issue without path or message: ${JSON.stringify(issue)}`);
      const underKey = (key: string) => {
        const head = formatPath([key]);
        return issue.path === head || issue.path.startsWith(`${head}.`) || issue.path.startsWith(`${head}[`);
      };
      if (issue.path !== '' && !topKeys.some(underKey) && !ENV_NAME.test(issue.path)) throw new Error(`issue path ${issue.path} names no key of the document: ${issue.message}`);
    }
    return err;
  }
}

test('any mapping, of any shape, loads or fails with a ConfigError whose issues name key paths', (t) => {
  checkProperty(
    fc.property(document, (doc) => {
      load(stringify(doc), Object.keys(doc));
    }),
    150,
  );
  t.pass();
});

test('any text loads or fails with a ConfigError: YAML syntax, anchors and aliases, merges, non-mappings', (t) => {
  const piece = fc.constantFrom('a: 1\n', 'remotes:\n', '  x:\n', '    base_url: ', '&a ', '*a\n', '<<: *a\n', '- ', '{', '}', '[', ']', ': ', '"', "'", '\t', '${X}', '!!binary ', '!!js/function ', '? ', '__proto__: ', '%YAML 1.2\n---\n', '\n');
  const text = fc.oneof(fc.array(piece, { maxLength: 20 }).map((p) => p.join('')), fc.string({ unit: 'binary', maxLength: 80 }));
  checkProperty(
    fc.property(text, (yaml) => {
      load(yaml, topKeysOf(yaml));
    }),
    400,
  );
  t.pass();
});

const options = { env: {}, dataDir: '/srv/aapi' };

test('regression: an alias to an anchor that is not set is a ConfigError, not a ReferenceError', (t) => {
  const err = t.throws(() => parseConfig('[*a\n]', options), { instanceOf: ConfigError });
  t.deepEqual(err?.issues.map((i) => i.path), ['']);
  t.regex(err!.issues[0]!.message, /^YAML error: Unresolved alias/);
});

test('regression: a __proto__ key is an unknown key, not the prototype of the section it is in', (t) => {
  const err = t.throws(() => parseConfig('__proto__:\n  remotes: {}\n', options), { instanceOf: ConfigError });
  t.deepEqual(err?.issues, [{ path: '__proto__', message: 'unknown key __proto__' }]);
  const inRemote = t.throws(() => parseConfig('remotes:\n  x:\n    __proto__: { base_url: "http://a.test" }\n    package: generic\n', options), { instanceOf: ConfigError });
  t.true(inRemote!.issues.some((i) => i.path === 'remotes.x.__proto__' || i.path === 'remotes.x.base_url'));
});

test('regression: a key path with an empty or spaced key quotes it, so it reads back', (t) => {
  const err = t.throws(() => parseConfig('"": {" ": [null]}\n', options), { instanceOf: ConfigError });
  t.deepEqual(err?.issues, [{ path: '[""][" "][0]', message: '[""][" "][0] is empty' }]);
});
