import test, { type ExecutionContext } from 'ava';
import { isAapiError } from '../src/errors.js';
import { ConfigError, parseConfig } from '../src/config/index.js';

/** The issues a text produces, as [path, message] pairs. */
function issuesOf(t: ExecutionContext, text: string): [string, string][] {
  const err = t.throws(() => parseConfig(text, { env: {} }), { instanceOf: ConfigError });
  return err!.issues.map((i) => [i.path, i.message]);
}

const gh = 'remotes:\n  gh:\n    package: generic\n    base_url: https://github.com\n';

test('a wrong type names the key path, the expectation and the value', (t) => {
  t.deepEqual(issuesOf(t, `${gh}    cache: { mutable_ttl: x }\n`), [
    ['remotes.gh.cache.mutable_ttl', 'remotes.gh.cache.mutable_ttl must be a non-negative integer, got "x"'],
  ]);
  t.deepEqual(issuesOf(t, `${gh}    cache: { negative_ttl: -1 }\n`), [
    ['remotes.gh.cache.negative_ttl', 'remotes.gh.cache.negative_ttl must be a non-negative integer, got -1'],
  ]);
  t.deepEqual(issuesOf(t, `${gh}    check_mutable_updates: sometimes\n`), [
    ['remotes.gh.check_mutable_updates', 'remotes.gh.check_mutable_updates must be true or false, got "sometimes"'],
  ]);
  t.deepEqual(issuesOf(t, 'upstream: { timeouts: { connect: 0 } }\n'), [
    ['upstream.timeouts.connect', 'upstream.timeouts.connect must be a positive number of seconds, got 0'],
  ]);
});

test('an enum lists the allowed values', (t) => {
  t.deepEqual(issuesOf(t, `${gh}    stale_if_error: always\n`), [
    ['remotes.gh.stale_if_error', 'remotes.gh.stale_if_error must be one of any, network, got "always"'],
  ]);
  t.deepEqual(issuesOf(t, 'log: { level: loud }\n'), [
    ['log.level', 'log.level must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
  ]);
});

test('a missing required key names its full path', (t) => {
  t.deepEqual(issuesOf(t, 'remotes:\n  x: { package: npm }\n'), [['remotes.x.base_url', 'remotes.x.base_url is required']]);
  t.deepEqual(issuesOf(t, 'remotes:\n  x:\n'), [
    ['remotes.x.package', 'remotes.x.package is required'],
    ['remotes.x.base_url', 'remotes.x.base_url is required'],
  ]);
  t.deepEqual(issuesOf(t, 'storage: { type: s3 }\n'), [['storage.bucket', 'storage.bucket is required']]);
});

test('unknown keys are reported at the top level and in known sub-objects', (t) => {
  t.deepEqual(issuesOf(t, 'lgo: { level: info }\n'), [['lgo', 'unknown key lgo (did you mean log?)']]);
  t.deepEqual(issuesOf(t, `${gh}    cache: { mutable_tll: 5 }\n`), [
    ['remotes.gh.cache.mutable_tll', 'unknown key remotes.gh.cache.mutable_tll (did you mean mutable_ttl?)'],
  ]);
  t.deepEqual(issuesOf(t, 'upstream: { breaker: { open_after: 3 } }\n'), [
    ['upstream.breaker.open_after', 'unknown key upstream.breaker.open_after'],
  ]);
});

test('unknown keys directly in a repository block are kept for plugins', (t) => {
  const config = parseConfig(`${gh}    anything_a_plugin_reads: 1\n`, { env: {} });
  t.is(config.remotes['gh']!.options['anything_a_plugin_reads'], 1);
});

test('a remote base_url must be an http(s) URL', (t) => {
  t.deepEqual(issuesOf(t, 'remotes:\n  x: { package: npm, base_url: ftp://mirror.example }\n'), [
    ['remotes.x.base_url', 'remotes.x.base_url must be an http(s) URL, got "ftp://mirror.example"'],
  ]);
  t.deepEqual(issuesOf(t, 'remotes:\n  x: { package: npm, base_url: "http://" }\n'), [
    ['remotes.x.base_url', 'remotes.x.base_url must be an http(s) URL, got "http://"'],
  ]);
});

test('a redirect_hosts entry that is no host or host:port names its index', (t) => {
  t.deepEqual(issuesOf(t, `${gh}    redirect_hosts: ['objects.example.com', 'http://cdn.example.com/']\n`), [
    [
      'remotes.gh.redirect_hosts[1]',
      'remotes.gh.redirect_hosts[1] must be a host name or address, optionally with :port (IPv6 in brackets), got "http://cdn.example.com/"',
    ],
  ]);
});

test('a regular expression that does not compile names its list and index', (t) => {
  const issues = issuesOf(t, `${gh}    patterns: [^ok/, "(unclosed"]\n    blocklist: ["[z-a]"]\n`);
  t.deepEqual(
    issues.map(([p]) => p),
    ['remotes.gh.patterns[1]', 'remotes.gh.blocklist[0]'],
  );
  t.regex(issues[0]![1], /^remotes\.gh\.patterns\[1\] is not a valid regular expression: /);
});

test('virtual members must be existing remotes of the same package type', (t) => {
  const issues = issuesOf(
    t,
    `remotes:
  npmjs: { package: npm, base_url: https://registry.npmjs.org }
  pypi: { package: pypi, base_url: https://pypi.org }
virtuals:
  inner: { package: npm, members: [npmjs] }
  all: { package: npm, members: [npmjs, nope, pypi, inner] }
`,
  );
  t.deepEqual(issues, [
    ['virtuals.all.members[1]', 'virtuals.all.members[1] names "nope", which is not a repository under remotes'],
    ['virtuals.all.members[2]', 'virtuals.all.members[2] names "pypi", a pypi repository, but virtuals.all.package is npm'],
    [
      'virtuals.all.members[3]',
      'virtuals.all.members[3] names "inner", which is not a repository under remotes (a virtual cannot contain another virtual)',
    ],
  ]);
});

test('a virtual needs at least one member, listed once', (t) => {
  t.deepEqual(issuesOf(t, 'virtuals:\n  v: { package: npm, members: [] }\n'), [
    ['virtuals.v.members', 'virtuals.v.members must list at least 1 item'],
  ]);
  t.deepEqual(issuesOf(t, `${gh}virtuals:\n  v: { package: generic, members: [gh, gh] }\n`), [
    ['virtuals.v.members', 'virtuals.v.members lists "gh" twice'],
  ]);
});

test('a name used by a remote and a virtual is refused', (t) => {
  t.deepEqual(issuesOf(t, `${gh}virtuals:\n  gh: { package: generic, members: [gh] }\n`), [
    ['virtuals.gh', 'virtuals.gh has the same name as remotes.gh; repository names must be unique'],
  ]);
});

test('a repository name that cannot appear in a URL is refused', (t) => {
  const issues = issuesOf(t, 'remotes:\n  "a/b": { type: local, package: generic }\n');
  t.is(issues.length, 1);
  t.is(issues[0]![0], 'remotes');
  t.regex(issues[0]![1], /remotes has an invalid name "a\/b"/);
});

test('a backend key that does not belong to the chosen type is named', (t) => {
  t.deepEqual(issuesOf(t, 'storage: { type: fs, bucket: b }\n'), [
    ['storage.bucket', 'storage.bucket does not apply when storage.type is fs'],
  ]);
  t.deepEqual(issuesOf(t, 'metadata: { type: postgres, url: "mysql://x" }\n'), [
    ['metadata.url', 'metadata.url must be a postgres:// URL, got "mysql://x"'],
  ]);
});

test('a credential is never repeated in an error message', (t) => {
  const issues = issuesOf(t, `${gh}    password: [hunter2]\nmetadata: { type: postgres, url: "mysql://u:hunter3@h/db" }\n`);
  t.is(issues.length, 2);
  t.false(JSON.stringify(issues).includes('hunter2'));
  t.false(JSON.stringify(issues).includes('hunter3'));
});

test('a top level that is not a mapping is refused', (t) => {
  t.deepEqual(issuesOf(t, '- a\n- b\n'), [['', 'the configuration must be a mapping of keys to values at the top level']]);
});

test('every issue is listed, one per line, in a ConfigError with the config error code', (t) => {
  const err = t.throws(
    () =>
      parseConfig(
        `log: { level: loud }\nworkers: { size: -1 }\n${gh}    cache: { mutable_ttl: x }\n`,
        { env: {}, source: 'my.yaml' },
      ),
    { instanceOf: ConfigError },
  );
  t.true(isAapiError(err));
  t.is(err!.code, 'AAPI_ERR_CONFIG_INVALID');
  t.is(err!.file, 'my.yaml');
  t.is(err!.issues.length, 3);
  const lines = err!.message.split('\n');
  t.regex(lines[0]!, /3 problems in my\.yaml/);
  t.deepEqual(
    lines.slice(1).map((l) => l.trim()),
    err!.issues.map((i) => i.message),
  );
});

test('an empty list item is reported at its index', (t) => {
  t.deepEqual(issuesOf(t, `${gh}    patterns:\n      - ^a/\n      -\n`), [['remotes.gh.patterns[1]', 'remotes.gh.patterns[1] is empty']]);
});

test('server.trust_proxy is true, false or a list of proxy addresses, each checked', (t) => {
  t.deepEqual(parseConfig('server: { trust_proxy: [10.0.0.0/8, "::1", 192.0.2.7, loopback] }\n', { env: {} }).server.trust_proxy, [
    '10.0.0.0/8',
    '::1',
    '192.0.2.7',
    'loopback',
  ]);
  t.is(parseConfig('server: { trust_proxy: "true" }\n', { env: {} }).server.trust_proxy, true);
  t.is(parseConfig('{}\n', { env: {} }).server.trust_proxy, false);
  t.deepEqual(issuesOf(t, 'server: { trust_proxy: 3 }\n'), [
    ['server.trust_proxy', 'server.trust_proxy must be true, false or a list of proxy IPs or CIDRs, got 3'],
  ]);
  t.deepEqual(issuesOf(t, 'server: { trust_proxy: [10.0.0.0/33, proxy.example.com, 10.0.0.1/8/1] }\n'), [
    ['server.trust_proxy[0]', 'server.trust_proxy[0] must be an IP address or CIDR, got "10.0.0.0/33"'],
    ['server.trust_proxy[1]', 'server.trust_proxy[1] must be an IP address or CIDR, got "proxy.example.com"'],
    ['server.trust_proxy[2]', 'server.trust_proxy[2] must be an IP address or CIDR, got "10.0.0.1/8/1"'],
  ]);
});

test('cross-reference problems are reported with the schema ones, not after them', (t) => {
  const text = `remotes:\n  gh:\n    package: generic\n    base_url: ftp://nope\n    cache: { mutable_ttl: x }\n    patterns: ['(']\nvirtuals:\n  all: { package: generic, members: [gh, nope] }\n`;
  t.deepEqual(
    issuesOf(t, text).map(([path]) => path),
    // base_url is named once: the schema's complaint covers the URL check's
    ['remotes.gh.base_url', 'remotes.gh.cache.mutable_ttl', 'remotes.gh.patterns[0]', 'virtuals.all.members[1]'],
  );
});

test('a schema-invalid block of the wrong shape does not stop the other checks', (t) => {
  const text = `remotes:\n  odd: [1, 2]\n  gh: { package: generic, base_url: https://github.com, blocklist: ['[', 3] }\nvirtuals:\n  v: 7\n`;
  const paths = issuesOf(t, text).map(([path]) => path);
  t.true(paths.includes('remotes.odd'), paths.join('\n'));
  t.true(paths.includes('remotes.gh.blocklist[0]'), paths.join('\n'));
});

test('knownPackages refuses a package type no plugin provides, naming the loaded ones', (t) => {
  const err = t.throws(() => parseConfig(`${gh}virtuals:\n  v: { package: dockr, members: [] }\n`, { env: {}, knownPackages: ['npm'] }), {
    instanceOf: ConfigError,
  });
  const paths = err!.issues.map((i) => i.path);
  t.true(paths.includes('remotes.gh.package'));
  t.true(paths.includes('virtuals.v.package'));
  t.regex(err!.message, /remotes\.gh\.package is "generic", which no loaded plugin provides \(loaded: npm\)/);
});
