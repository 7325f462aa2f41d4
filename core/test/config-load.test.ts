import test from 'ava';
import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ConfigError,
  DEFAULT_CONFIG_FILE,
  loadConfig,
  parseConfig,
  type AppConfig,
} from '../src/config/index.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../test/fixtures/config/${name}`, import.meta.url));
const examplesDir = fileURLToPath(new URL('../../../config/examples/', import.meta.url));

test('a minimal file round-trips with every default filled in', async (t) => {
  const config = await loadConfig(fixture('minimal.yaml'), { env: {}, dataDir: '/srv/aapi' });
  const expected: AppConfig = {
    auth: {},
    server: { shutdown_timeout: 25, trust_proxy: false },
    log: { level: 'info' },
    data_dir: '/srv/aapi',
    storage: { kind: 'fs', path: '/srv/aapi' },
    metadata: { kind: 'sqlite', path: '/srv/aapi/metadata.db' },
    coordination: { kind: 'memory' },
    upstream: {
      timeouts: { connect: 10, headers: 30, idle: 60, total: 3600 },
      max_body_size: 0,
      max_redirects: 5,
      breaker: { failures: 5, cooldown: 30 },
    },
    workers: { size: 0 },
    memory_cache: { max_bytes: 64 * 1024 * 1024, max_object_bytes: 1024 * 1024, max_entries: 100_000 },
    remotes: {
      gh: {
        name: 'gh',
        type: 'remote',
        package: 'generic',
        base_url: 'https://github.com',
        redirect_hosts: [],
        patterns: [],
        blocklist: [],
        mutable_patterns: [],
        immutable_patterns: [],
        check_mutable_updates: true,
        cache: { immutable_ttl: 0, mutable_ttl: 600, negative_ttl: 30 },
        stale_if_error: 'any',
        quarantine_days: 0,
        auth: { read: 'anonymous' },
        options: {},
      },
    },
    virtuals: {},
  };
  t.deepEqual(config, expected);
});

test('an empty file is a valid configuration with no repositories', (t) => {
  const config = parseConfig('', { env: {} });
  t.deepEqual(config.remotes, {});
  t.deepEqual(config.virtuals, {});
  t.is(config.data_dir, resolve('./data'));
});

test('options keep the plugin keys of the repository block as written, not the core keys', (t) => {
  const config = parseConfig(
    `remotes:
  hub:
    package: docker
    base_url: https://registry-1.docker.io
    ban_tags: [latest]
    cache: { mutable_ttl: 5 }
    custom_plugin_key: { nested: true }
`,
    { env: {} },
  );
  const hub = config.remotes['hub']!;
  t.deepEqual(hub.options, {
    ban_tags: ['latest'],
    custom_plugin_key: { nested: true },
  });
  t.deepEqual(hub.cache, { immutable_ttl: 0, mutable_ttl: 5, negative_ttl: 30 });
});

test('a local repository needs no base_url and gets an empty one', (t) => {
  const config = parseConfig('remotes:\n  up: { type: local, package: generic }\n', { env: {} });
  t.is(config.remotes['up']!.type, 'local');
  t.is(config.remotes['up']!.base_url, '');
});

test('virtuals get their name and members in order', (t) => {
  const config = parseConfig(
    `remotes:
  a: { package: npm, base_url: https://a.example }
  b: { type: local, package: npm }
virtuals:
  all: { package: npm, members: [b, a] }
`,
    { env: {} },
  );
  t.deepEqual(config.virtuals, { all: { name: 'all', package: 'npm', members: ['b', 'a'], auth: { read: 'anonymous' } } });
});

test('relative backend paths are taken from the data directory', (t) => {
  const config = parseConfig('storage: { path: blobs }\nmetadata: { path: db/meta.sqlite }\n', {
    env: {},
    dataDir: '/var/lib/aapi',
  });
  t.deepEqual(config.storage, { kind: 'fs', path: '/var/lib/aapi/blobs' });
  t.deepEqual(config.metadata, { kind: 'sqlite', path: '/var/lib/aapi/db/meta.sqlite' });
});

test('YAML anchors, merge keys and x- sections share settings', async (t) => {
  const config = await loadConfig(fixture('shared-settings.yaml'), { env: {} });
  t.is(config.remotes['a']!.cache.mutable_ttl, 60);
  t.is(config.remotes['b']!.package, 'generic');
  t.is(config.remotes['b']!.base_url, 'https://b.example');
});

test('public_url loses its trailing slash; an empty one means unset', (t) => {
  t.is(parseConfig('public_url: https://x.example/repo/\n', { env: {} }).public_url, 'https://x.example/repo');
  t.false('public_url' in parseConfig('public_url: ""\n', { env: {} }));
});

test('the bundled default.yaml loads with no environment at all', async (t) => {
  const config = await loadConfig(DEFAULT_CONFIG_FILE, { env: {} });
  t.is(config.auth.admin_token, undefined, 'uploads stay disabled without ADMIN_TOKEN');
  t.is(config.storage.kind, 'fs');
  t.is(config.metadata.kind, 'sqlite');
  t.is(config.coordination.kind, 'memory');
  t.is(config.remotes['github']!.base_url, 'https://github.com');
  t.is(config.remotes['nodejs-dist']!.base_url, 'https://nodejs.org/dist');
  t.is(config.remotes['files']!.type, 'local');
  t.is(config.remotes['npmjs']!.package, 'npm');
  t.is(config.remotes['pypi']!.options.files_url, 'https://files.pythonhosted.org');
  t.is(config.remotes['ingress-nginx']!.package, 'helm');
  t.is(config.remotes['alma']!.package, 'rpm');
  const firstParty = new Set(['generic', 'npm', 'pypi', 'helm', 'alpine', 'puppet', 'terraform', 'goproxy', 'rpm']);
  for (const repo of Object.values(config.remotes)) t.true(firstParty.has(repo.package), `${repo.name} uses a first-party type`);
});

test('the default github remote allows release downloads and archives only', async (t) => {
  const { patterns } = (await loadConfig(DEFAULT_CONFIG_FILE, { env: {} })).remotes['github']!;
  const allowed = (path: string): boolean => patterns.some((p) => new RegExp(p).test(path));
  t.true(allowed('cli/cli/releases/download/v2.40.0/gh_2.40.0_linux_amd64.tar.gz'));
  t.true(allowed('nodejs/node/archive/refs/tags/v20.11.0.tar.gz'));
  t.false(allowed('cli/cli/issues/1'));
  t.false(allowed('login'));
});

test('the default.yaml admin token comes from ADMIN_TOKEN', async (t) => {
  const config = await loadConfig(DEFAULT_CONFIG_FILE, { env: { ADMIN_TOKEN: 'tok' } });
  t.is(config.auth.admin_token, 'tok');
});

test('every file in config/examples loads', async (t) => {
  const files = (await readdir(examplesDir)).filter((f) => f.endsWith('.yaml'));
  t.true(files.length > 0);
  for (const file of files) {
    const config = await loadConfig(resolve(examplesDir, file), { env: {} });
    t.true(Object.keys(config.remotes).length > 0, file);
  }
});

test('the generic example sets every top-level section away from its default', async (t) => {
  const config = await loadConfig(resolve(examplesDir, 'generic.yaml'), { env: {} });
  t.is(config.storage.kind, 's3');
  t.is(config.metadata.kind, 'postgres');
  t.is(config.coordination.kind, 'redis');
  t.is(config.upstream.proxy, 'http://proxy.internal:3128');
  t.deepEqual(config.remotes['releases']!.timeouts, { connect: 5, headers: 60, idle: 120, total: 7200 });
  t.is(config.remotes['releases']!.max_body_size, 10 * 1024 ** 3);
  t.is(config.remotes['releases']!.base_url, 'https://downloads.example.com/pub');
});

test('a missing file is a ConfigError naming the file', async (t) => {
  const err = await t.throwsAsync(loadConfig(fixture('no-such-file.yaml'), { env: {} }), { instanceOf: ConfigError });
  t.regex(err!.message, /no-such-file\.yaml/);
});

test('a key with no value means unset and takes its default', (t) => {
  const config = parseConfig('remotes:\n  gh:\n    package: generic\n    base_url: https://github.com\n    cache:\n      mutable_ttl:\n', {
    env: {},
  });
  t.is(config.remotes['gh']!.cache.mutable_ttl, 600);
});
