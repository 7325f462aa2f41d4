import test from 'ava';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, parseConfig } from '../src/config/index.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../test/fixtures/config/${name}`, import.meta.url));

const repo = (extra: string): string => `remotes:\n  gh:\n    package: generic\n    base_url: https://github.com\n${extra}`;

test('${VAR} takes the variable, also inside a longer string', (t) => {
  const config = parseConfig(repo('    username: ${USER_NAME}\n    password: "pre-${PW}-post"\n'), {
    env: { USER_NAME: 'alice', PW: 'p#ss: word' },
  });
  t.is(config.remotes['gh']!.username, 'alice');
  // the value is not parsed as YAML: '#' and ': ' stay literal
  t.is(config.remotes['gh']!.password, 'pre-p#ss: word-post');
});

test('${VAR:-default} falls back when the variable is unset or empty', (t) => {
  const text = repo('    username: ${U:-bob}\n');
  t.is(parseConfig(text, { env: {} }).remotes['gh']!.username, 'bob');
  t.is(parseConfig(text, { env: { U: '' } }).remotes['gh']!.username, 'bob');
  t.is(parseConfig(text, { env: { U: 'carol' } }).remotes['gh']!.username, 'carol');
});

test('a missing variable without default names the key path and the variable', (t) => {
  const err = t.throws(() => parseConfig(repo('    password: ${UPSTREAM_PASSWORD}\n'), { env: {} }), {
    instanceOf: ConfigError,
  });
  t.deepEqual(
    err!.issues.map((i) => i.path),
    ['remotes.gh.password'],
  );
  t.regex(err!.message, /remotes\.gh\.password refers to \$\{UPSTREAM_PASSWORD\}.*not set/);
});

test('a missing variable inside a list names the index', (t) => {
  const err = t.throws(() => parseConfig(repo('    patterns: [^a/, "${P}"]\n'), { env: {} }), { instanceOf: ConfigError });
  t.is(err!.issues[0]!.path, 'remotes.gh.patterns[1]');
});

test('$${ is a literal ${', (t) => {
  const config = parseConfig(repo('    username: "$${NOT_A_VAR}"\n'), { env: { NOT_A_VAR: 'x' } });
  t.is(config.remotes['gh']!.username, '${NOT_A_VAR}');
});

test('references work in flow mappings, as in auth: { admin_token: ${ADMIN_TOKEN} }', (t) => {
  const config = parseConfig('auth: { admin_token: ${ADMIN_TOKEN} }\n', { env: { ADMIN_TOKEN: 'tok' } });
  t.is(config.auth.admin_token, 'tok');
});

test('numbers and booleans from variables are converted by type', (t) => {
  const config = parseConfig(
    repo('    cache: { mutable_ttl: ${TTL} }\n    check_mutable_updates: ${CHECK:-false}\n'),
    { env: { TTL: '5' } },
  );
  t.is(config.remotes['gh']!.cache.mutable_ttl, 5);
  t.false(config.remotes['gh']!.check_mutable_updates);
});

test('a non-numeric variable for a number is reported at its key', (t) => {
  const err = t.throws(() => parseConfig(repo('    cache: { mutable_ttl: ${TTL} }\n'), { env: { TTL: 'soon' } }), {
    instanceOf: ConfigError,
  });
  t.is(err!.message.split('\n')[1]!.trim(), 'remotes.gh.cache.mutable_ttl must be a non-negative integer, got "soon"');
});

test('a malformed reference names the key path', (t) => {
  const err = t.throws(() => parseConfig(repo('    username: "${1BAD}"\n'), { env: {} }), { instanceOf: ConfigError });
  t.is(err!.issues[0]!.path, 'remotes.gh.username');
  t.regex(err!.issues[0]!.message, /malformed reference/);
});

test('references in comments are ignored, even when unset', (t) => {
  t.notThrows(() => parseConfig('# admin_token: ${NEVER_SET}\n', { env: {} }));
});

test('a YAML syntax error reports the line and column of the original text', async (t) => {
  const err = await t.throwsAsync(loadConfig(fixture('syntax-error.yaml'), { env: {} }), { instanceOf: ConfigError });
  t.regex(err!.message, /syntax-error\.yaml/);
  t.regex(err!.issues[0]!.message, /YAML syntax error at line \d+, column \d+/);
  const line = Number(/line (\d+)/.exec(err!.issues[0]!.message)![1]);
  t.true(line >= 5, `reported line ${line}`);
});

test('a syntax error after a reference keeps the column of the original text', (t) => {
  // the flow map is never closed; the error is found after the reference on line 1
  const err = t.throws(() => parseConfig('a: { b: ${X:-somewhat-long-default}, c: [1, 2 }\n', { env: {} }), {
    instanceOf: ConfigError,
  });
  const [, line, column] = /line (\d+), column (\d+)/.exec(err!.issues[0]!.message)!;
  t.is(Number(line), 1);
  t.true(Number(column) > 'a: { b: ${X:-somewhat-long-default}'.length, `column ${column}`);
});
