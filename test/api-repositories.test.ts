import test from 'ava';
import { startUpstream, type UpstreamServer } from '@artifactapi/plugin-sdk/testkit';
import { apiClient } from './api-client.js';
import { startServe, type ServeProcess } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';

// One server for the file (the machine is shared), its tests in order: they build on each other.
const TOKEN = 'api-admin-token-8f3a';
const USER = 'robot';
const PASSWORD = 'upstream-pw-Q9';

// Everything the tests share, built once; closed in reverse order at the end.
const cleanups: (() => unknown)[] = [];
const scope = { teardown: (fn: () => unknown) => void cleanups.push(fn) };
test.after.always(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

let upstream: UpstreamServer;
let config: string;
let dataDir: string;
let server: ServeProcess;
let api: ReturnType<typeof apiClient>;

test.before(async () => {
  upstream = await startUpstream({
  files: { '/one.txt': 'one', '/two.txt': 'two', '/blocked/three.txt': 'three' },
  handlers: {
    // Answers only with the repository's credentials, so a 200 shows which password was sent.
    '/private/secret.txt': (req, res) => {
      const expected = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
      if (req.headers.authorization !== expected) res.writeHead(401).end();
      else res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '6' }).end('secret');
    },
  },
});
  scope.teardown(() => upstream.close());
  dataDir = await tempDir(scope);
  config = await writeConfig(
  await tempDir(scope),
  `
auth: { admin_token: ${TOKEN} }
log: { level: warn }
remotes:
  files:
    type: remote
    package: generic
    base_url: ${upstream.url}
    username: ${USER}
    password: ${PASSWORD}
  pypi-cfg:
    type: remote
    package: pypi
    base_url: ${upstream.url}/pypi
    files_url: ${upstream.url}/files
  uploads:
    type: local
    package: generic
virtuals:
  all-cfg: { package: generic, members: [files] }
`,
  );
  server = await startServe(scope, { config, dataDir });
  api = apiClient(server.url, TOKEN);
});

test.serial('without the token 401, with a wrong one 403, and nothing changes; the OpenAPI document needs none', async (t) => {
  for (const [method, path] of [
    ['GET', '/api/v2/remotes'],
    ['GET', '/api/v2/virtuals'],
    ['GET', '/api/v2/stats'],
    ['DELETE', '/api/v2/remotes/files/objects?prefix='],
  ] as const) {
    const missing = await api.call(method, path, undefined, { token: null });
    t.is(missing.status, 401, `${method} ${path}`);
    t.is(missing.body['error'].code, 'AAPI_ERR_AUTH_REQUIRED');
    const wrong = await api.call(method, path, undefined, { token: 'not-the-token' });
    t.is(wrong.status, 403, `${method} ${path}`);
    t.is(wrong.body['error'].code, 'AAPI_ERR_AUTH_FORBIDDEN');
  }
  const create = await api.call('POST', '/api/v2/remotes', { name: 'sneaky', package: 'generic', base_url: upstream.url }, { token: 'wrong' });
  t.is(create.status, 403);
  t.is((await api.call('GET', '/api/v2/remotes/sneaky')).status, 404, 'a refused create left nothing behind');
  const doc = await api.call('GET', '/api/v2/openapi.json', undefined, { token: null });
  t.is(doc.status, 200);
  t.is(doc.body['openapi'], '3.1.0');
});

test.serial('the config file\'s repositories are listed with source config and credentials hidden', async (t) => {
  const { status, body } = await api.call('GET', '/api/v2/remotes');
  t.is(status, 200);
  const byName = Object.fromEntries((body['remotes'] as Record<string, unknown>[]).map((r) => [r['name'], r]));
  t.like(byName['files'], { type: 'remote', package: 'generic', base_url: upstream.url, source: 'config', username: USER, password: '********' });
  t.like(byName['pypi-cfg'], { package: 'pypi', files_url: `${upstream.url}/files`, source: 'config' });
  t.like(byName['uploads'], { type: 'local', source: 'config' });
  t.false(JSON.stringify(body).includes(PASSWORD));
  const virtuals = await api.call('GET', '/api/v2/virtuals');
  t.deepEqual(virtuals.body['virtuals'], [{ name: 'all-cfg', package: 'generic', members: ['files'], auth: { read: 'anonymous' }, source: 'config' }]);
});

test.serial('POST creates a remote that serves at once; the same name again is 409', async (t) => {
  const created = await api.call('POST', '/api/v2/remotes', {
    name: 'made',
    type: 'remote',
    package: 'generic',
    base_url: upstream.url,
    username: USER,
    password: PASSWORD,
    cache: { mutable_ttl: 60 },
  });
  t.is(created.status, 201, JSON.stringify(created.body));
  t.like(created.body, { name: 'made', source: 'api', password: '********', cache: { mutable_ttl: 60, immutable_ttl: 0 } });
  const first = await fetch(`${server.url}/api/v1/remote/made/private/secret.txt`);
  t.is(first.status, 200);
  t.is(await first.text(), 'secret');
  t.is(first.headers.get('x-artifact-cache'), 'MISS');
  const again = await fetch(`${server.url}/api/v1/remote/made/private/secret.txt`);
  t.is(again.headers.get('x-artifact-cache'), 'HIT');
  await again.arrayBuffer();

  const duplicate = await api.call('POST', '/api/v2/remotes', { name: 'made', package: 'generic', base_url: upstream.url });
  t.is(duplicate.status, 409);
  t.is(duplicate.body['error'].code, 'AAPI_ERR_REPOSITORY_EXISTS');
  const clash = await api.call('POST', '/api/v2/remotes', { name: 'all-cfg', package: 'generic', base_url: upstream.url });
  t.is(clash.status, 409, 'a virtual\'s name is taken too');
});

test.serial('an invalid definition is refused whole, naming the key path of each problem', async (t) => {
  const bad = await api.call('POST', '/api/v2/remotes', {
    name: 'broken',
    package: 'generic',
    base_url: 'ftp://nowhere',
    cache: { mutable_ttl: -1 },
    patterns: ['(unclosed'],
  });
  t.is(bad.status, 400);
  t.is(bad.body['error'].code, 'AAPI_ERR_REQUEST_INVALID');
  const paths = (bad.body['error'].details as { path: string }[]).map((d) => d.path).sort();
  t.deepEqual(paths, ['remotes.broken.base_url', 'remotes.broken.cache.mutable_ttl', 'remotes.broken.patterns[0]']);

  const semantic = await api.call('POST', '/api/v2/remotes', { name: 'broken', package: 'generic', base_url: upstream.url, patterns: ['ok', '(unclosed'] });
  t.is(semantic.status, 400);
  t.deepEqual(semantic.body['error'].details.map((d: { path: string }) => d.path), ['remotes.broken.patterns[1]']);

  // The plugin's own options schema, as for the config file.
  const plugin = await api.call('POST', '/api/v2/remotes', { name: 'broken', package: 'pypi', base_url: upstream.url, files_url: 'not a url', colour: 'blue' });
  t.is(plugin.status, 400);
  const pluginPaths = (plugin.body['error'].details as { path: string }[]).map((d) => d.path).sort();
  t.deepEqual(pluginPaths, ['remotes.broken.colour', 'remotes.broken.files_url']);

  const unknownType = await api.call('POST', '/api/v2/remotes', { name: 'broken', package: 'cobol', base_url: upstream.url });
  t.is(unknownType.status, 400);
  t.is(unknownType.body['error'].details[0].path, 'remotes.broken.package');

  const badName = await api.call('POST', '/api/v2/remotes', { name: '../x', package: 'generic', base_url: upstream.url });
  t.is(badName.status, 400);
  const notObject = await api.call('PUT', '/api/v2/remotes/made', ['package', 'generic']);
  t.is(notObject.status, 400);
  t.is(notObject.body['error'].code, 'AAPI_ERR_REQUEST_INVALID');
  t.is((await api.call('GET', '/api/v2/remotes/broken')).status, 404, 'nothing of a refused definition was kept');
});

test.serial('PUT replaces an API remote at once; a credential sent back hidden is kept', async (t) => {
  const replaced = await api.call('PUT', '/api/v2/remotes/made', {
    package: 'generic',
    base_url: upstream.url,
    username: USER,
    password: '********',
    blocklist: ['^blocked/'],
  });
  t.is(replaced.status, 200, JSON.stringify(replaced.body));
  t.deepEqual(replaced.body['blocklist'], ['^blocked/']);
  const denied = await fetch(`${server.url}/api/v1/remote/made/blocked/three.txt`);
  t.is(denied.status, 403, 'the new blocklist applies without a restart');
  await denied.arrayBuffer();
  // A path not yet cached: the upstream only answers with the original password.
  upstream.setHandler('/private/other.txt', (req, res) => {
    const ok = req.headers.authorization === `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
    res.writeHead(ok ? 200 : 401).end(ok ? 'other' : '');
  });
  const other = await fetch(`${server.url}/api/v1/remote/made/private/other.txt`);
  t.is(other.status, 200);
  t.is(await other.text(), 'other');

  // What GET answered can be sent back as it is.
  const read = await api.call('GET', '/api/v2/remotes/made');
  const roundTrip = await api.call('PUT', '/api/v2/remotes/made', read.body);
  t.is(roundTrip.status, 200, JSON.stringify(roundTrip.body));
  t.deepEqual(roundTrip.body, read.body);

  const renamed = await api.call('PUT', '/api/v2/remotes/made', { name: 'different', package: 'generic', base_url: upstream.url });
  t.is(renamed.status, 400);
  t.is(renamed.body['error'].details[0].path, 'remotes.made.name');
});

test.serial('config-file repositories are read-only here (409); unknown names are 404', async (t) => {
  const put = await api.call('PUT', '/api/v2/remotes/files', { package: 'generic', base_url: upstream.url });
  t.is(put.status, 409);
  t.is(put.body['error'].code, 'AAPI_ERR_DECLARED_IN_CONFIG');
  const del = await api.call('DELETE', '/api/v2/remotes/files');
  t.is(del.status, 409);
  t.is((await api.call('DELETE', '/api/v2/virtuals/all-cfg')).status, 409);
  for (const [method, path, body] of [
    ['GET', '/api/v2/remotes/nope', undefined],
    ['PUT', '/api/v2/remotes/nope', { package: 'generic', base_url: upstream.url }],
    ['DELETE', '/api/v2/remotes/nope', undefined],
    ['GET', '/api/v2/virtuals/nope', undefined],
    ['GET', '/api/v2/remotes/nope/objects', undefined],
  ] as const) {
    const answer = await api.call(method, path, body);
    t.is(answer.status, 404, `${method} ${path}`);
    t.is(answer.body['error'].code, 'AAPI_ERR_REPOSITORY_NOT_FOUND');
  }
  const files = await fetch(`${server.url}/api/v1/remote/files/one.txt`);
  t.is(await files.text(), 'one', 'the config remote still serves');
});

test.serial('virtuals: create over API and config members, serve, refuse a bad member, delete', async (t) => {
  const bad = await api.call('POST', '/api/v2/virtuals', { name: 'v', package: 'generic', members: ['made', 'ghost'] });
  t.is(bad.status, 400);
  t.is(bad.body['error'].details[0].path, 'virtuals.v.members[1]');
  const mixed = await api.call('POST', '/api/v2/virtuals', { name: 'v', package: 'generic', members: ['made', 'pypi-cfg'] });
  t.is(mixed.status, 400, 'a member of another package type');
  const created = await api.call('POST', '/api/v2/virtuals', { name: 'v', package: 'generic', members: ['made', 'files'] });
  t.is(created.status, 201, JSON.stringify(created.body));
  t.deepEqual(created.body, { name: 'v', package: 'generic', members: ['made', 'files'], auth: { read: 'anonymous' }, source: 'api' });
  const again = await api.call('PUT', '/api/v2/virtuals/v', created.body);
  t.is(again.status, 200, 'what GET answered can be sent back');
  const served = await fetch(`${server.url}/api/v1/virtual/v/two.txt`);
  t.is(await served.text(), 'two');
  t.is((await api.call('DELETE', '/api/v2/virtuals/v')).status, 204);
  t.is((await api.call('GET', '/api/v2/virtuals/v')).status, 404);
  const gone = await fetch(`${server.url}/api/v1/virtual/v/two.txt`);
  t.is(gone.status, 404);
  await gone.arrayBuffer();
});

test.serial('DELETE removes an API remote: its URL is 404 at once', async (t) => {
  t.is((await api.call('POST', '/api/v2/remotes', { name: 'temp', package: 'generic', base_url: upstream.url })).status, 201);
  t.is((await api.call('DELETE', '/api/v2/remotes/temp')).status, 204);
  const res = await fetch(`${server.url}/api/v1/remote/temp/one.txt`);
  t.is(res.status, 404);
  t.is(((await res.json()) as { error: { code: string } }).error.code, 'AAPI_ERR_REPO_NOT_FOUND');
  t.is((await api.call('DELETE', '/api/v2/remotes/temp')).status, 404);
});

test.serial('API repositories survive a restart with the same data directory', async (t) => {
  t.is((await api.call('POST', '/api/v2/virtuals', { name: 'kept-v', package: 'generic', members: ['made'] })).status, 201);
  await server.stop();
  server = await startServe(scope, { config, dataDir });
  api = apiClient(server.url, TOKEN);
  const made = await api.call('GET', '/api/v2/remotes/made');
  t.is(made.status, 200);
  t.like(made.body, { source: 'api', blocklist: ['^blocked/'] });
  t.is((await api.call('GET', '/api/v2/virtuals/kept-v')).body['source'], 'api');
  const cached = await fetch(`${server.url}/api/v1/remote/made/private/secret.txt`);
  t.is(cached.headers.get('x-artifact-cache'), 'HIT', 'what it cached before the restart is still there');
  t.is(await cached.text(), 'secret');
});
