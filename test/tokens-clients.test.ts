import test, { type ExecutionContext } from 'ava';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serviceGate } from '@artifactapi/core/testing/services';
import { apiClient } from './api-client.js';
import { startGoUpstream } from './goproxy-fixture.js';
import { GO_BIN, goModDownload, goRuns } from './goproxy-go-client.js';
import { buildOciImage } from './helpers/oci-image.js';
import { buildDists, installedVersion, makeVenv, pip, startPypiUpstream } from './helpers/pypi-upstream.js';
import { startServe, type ServeProcess } from './helpers/serve-process.js';
import { SKOPEO_BIN, commandRuns, inspectRaw, pushImage } from './helpers/skopeo.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { tlsTerminator } from './helpers/tls-terminator.js';
import { npmProject } from './npm-cli.js';
import { startFixtureRegistry } from './npm-fixture-registry.js';

// Named tokens with each ecosystem's real client, against repositories that set
// `auth: { read: token }`: npm's _authToken (Bearer), pip's user:token@ in the index URL (Basic),
// go's GOPROXY credentials (Basic), skopeo through the registry's token realm, helm's Basic
// (helm is not installed: its requests are made by fetch). Without the token each one fails.

const skopeoGate = await serviceGate('skopeo (apt: skopeo)', async () => commandRuns(SKOPEO_BIN));
const goGate = await serviceGate(`go (apt: golang-go, ${GO_BIN})`, goRuns);

const ADMIN = 'clients-admin-token';
const OLD = new Date('2021-03-01T10:00:00Z');

/** `artifactapi serve` with `remotes` (YAML under remotes:), the admin token, and its request log. */
async function serve(t: ExecutionContext, remotes: string): Promise<{ proc: ServeProcess; token(access: 'read' | 'write', repositories: string[]): Promise<string> }> {
  const config = await writeConfig(await tempDir(t), `auth: { admin_token: ${ADMIN} }\nlog: { level: info }\nremotes:\n${remotes}`);
  const proc = await startServe(t, { config });
  const api = apiClient(proc.url, ADMIN);
  t.teardown(() => {
    // Whatever the test did, no secret reached the log.
    for (const secret of secrets) {
      if (proc.stdout().includes(secret) || proc.stderr().includes(secret)) throw new Error('a token secret was written to the log');
    }
  });
  const secrets: string[] = [];
  return {
    proc,
    async token(access, repositories) {
      const created = await api.call('POST', '/api/v2/tokens', { name: `${access} token`, scopes: [{ access, repositories }] });
      if (created.status !== 201) throw new Error(`POST /api/v2/tokens: ${created.status} ${JSON.stringify(created.body)}`);
      secrets.push(created.body['token'] as string);
      return created.body['token'] as string;
    },
  };
}

function noSecretIn(t: ExecutionContext, proc: ServeProcess, secret: string): void {
  t.true(proc.logLines().some((line) => line['msg'] === 'request'), 'the request log was read');
  t.false(proc.stdout().includes(secret), 'stdout holds no secret');
  t.false(proc.stderr().includes(secret), 'stderr holds no secret');
}

test('npm install with _authToken from a repository that needs a read token; without it npm gets E401, with another repository\'s token E403', async (t) => {
  const registry = await startFixtureRegistry(t, [{ name: 'left', version: '1.0.0', published: OLD, files: { 'index.js': 'module.exports = "left";\n' } }]);
  const { proc, token } = await serve(t, `  npmjs: { type: remote, package: npm, base_url: '${registry.upstream.url}', auth: { read: token } }\n  other: { type: local, package: npm }\n`);
  const registryUrl = `${proc.url}/api/v1/remote/npmjs/`;
  const nerf = registryUrl.replace(/^http:/, '');
  const secret = await token('read', ['npmjs']);

  const anonymous = await npmProject(t, { left: '1.0.0' });
  const refused = await anonymous.npm(['install', `--registry=${registryUrl}`, '--no-audit']);
  t.not(refused.code, 0);
  t.regex(refused.stderr, /E401/);

  const wrong = await npmProject(t, { left: '1.0.0' });
  await writeFile(join(wrong.dir, '.npmrc'), `${nerf}:_authToken=${await token('read', ['other'])}\n`);
  const forbidden = await wrong.npm(['install', `--registry=${registryUrl}`, '--no-audit']);
  t.not(forbidden.code, 0);
  t.regex(forbidden.stderr, /E403/);

  const project = await npmProject(t, { left: '1.0.0' });
  await writeFile(join(project.dir, '.npmrc'), `${nerf}:_authToken=${secret}\n`);
  const installed = await project.npm(['install', `--registry=${registryUrl}`, '--no-audit']);
  t.is(installed.code, 0, installed.stderr);
  t.is(await readFile(join(project.dir, 'node_modules/left/index.js'), 'utf8'), 'module.exports = "left";\n');
  // The packument, rendered and hot in memory now, is still refused without the token.
  for (let i = 0; i < 2; i++) t.is((await fetch(`${registryUrl}left`, { headers: { authorization: `Bearer ${secret}` } })).status, 200);
  const anonymousPackument = await fetch(`${registryUrl}left`);
  t.is(anonymousPackument.status, 401);
  t.is(anonymousPackument.headers.get('www-authenticate'), 'Basic realm="artifactapi"');
  noSecretIn(t, proc, secret);
});

test('pip installs with the token as the password in the index URL (any user name); without it pip is refused', async (t) => {
  const upstream = await startPypiUpstream(t, await buildDists(t));
  const { proc, token } = await serve(t, `  pypi: { type: remote, package: pypi, base_url: '${upstream.index.url}', files_url: '${upstream.files.url}', auth: { read: token } }\n`);
  const secret = await token('read', ['pypi']);
  const host = proc.url.replace(/^http:\/\//, '');

  await t.throwsAsync(pip(await makeVenv(t), ['install', '--no-cache-dir', '--index-url', `${proc.url}/api/v1/remote/pypi/simple/`, 'tinywheel']), { message: /401|No matching distribution|Could not find/ });
  const venv = await makeVenv(t);
  const out = await pip(venv, ['install', '--no-cache-dir', '--index-url', `http://ci:${secret}@${host}/api/v1/remote/pypi/simple/`, 'tinywheel']);
  t.regex(out, /Successfully installed tinywheel-1\.1\.0/);
  t.is(await installedVersion(venv, 'tinywheel'), '1.1.0');
  noSecretIn(t, proc, secret);
});

goGate.serial('go mod download with credentials in an HTTPS GOPROXY (go sends none over plain HTTP); without them go reports 401', async (t) => {
  const fixture = await startGoUpstream(t, [{ path: 'example.com/hello', version: 'v1.0.0', time: '2021-03-04T05:06:07Z', files: { 'hello.go': 'package hello\n' } }]);
  const { proc, token } = await serve(t, `  go: { type: remote, package: goproxy, base_url: '${fixture.upstream.url}', sumdb_names: [${fixture.sumdb.name}], auth: { read: token } }\n`);
  const secret = await token('read', ['go']);

  const tls = await tlsTerminator(t, proc.port);
  const env = { GOSUMDB: fixture.sumdb.verifierKey, SSL_CERT_FILE: tls.certFile };
  const anonymous = goModDownload(t, { ...env, GOPROXY: `${tls.url}/api/v1/remote/go` }, ['example.com/hello@v1.0.0']);
  await t.throwsAsync(anonymous, { message: /401 AAPI_ERR_AUTH_REQUIRED/ });
  const withCredentials = tls.url.replace('https://', `https://go:${secret}@`);
  const downloaded = await goModDownload(t, { ...env, GOPROXY: `${withCredentials}/api/v1/remote/go` }, ['example.com/hello@v1.0.0']);
  t.is(downloaded.length, 1);
  t.is(downloaded[0]!.Error, undefined);
  t.is(downloaded[0]!.Sum, fixture.module('example.com/hello', 'v1.0.0').zipHash);
  noSecretIn(t, proc, secret);
});

test('helm-style Basic credentials (helm repo add --username --password) read index.yaml and charts; a 401 carries the Basic challenge helm answers', async (t) => {
  const { proc, token } = await serve(t, `  charts: { type: local, package: generic, auth: { read: token } }\n`);
  const writer = await token('write', ['charts']);
  const reader = await token('read', ['charts']);
  const basic = (secret: string) => `Basic ${Buffer.from(`helm:${secret}`).toString('base64')}`;
  const url = `${proc.url}/api/v1/remote/charts/index.yaml`;
  const put = await fetch(url, { method: 'PUT', body: 'apiVersion: v1\nentries: {}\n', headers: { authorization: basic(writer) } });
  t.is(put.status, 201);
  const anonymous = await fetch(url);
  t.is(anonymous.status, 401);
  t.is(anonymous.headers.get('www-authenticate'), 'Basic realm="artifactapi"');
  t.is(((await anonymous.json()) as { error: { code: string } }).error.code, 'AAPI_ERR_AUTH_REQUIRED');
  const read = await fetch(url, { headers: { authorization: basic(reader) } });
  t.is(read.status, 200);
  t.is(await read.text(), 'apiVersion: v1\nentries: {}\n');
  t.is((await fetch(url, { method: 'PUT', body: 'x', headers: { authorization: basic(reader) } })).status, 403);
  noSecretIn(t, proc, reader);
});

skopeoGate.test('skopeo pushes with a write token and pulls with a read token through the token realm; no token, another repository\'s or a read token for a push are refused', async (t) => {
  const { proc, token } = await serve(t, `  images: { type: local, package: docker, auth: { read: token } }\n  other: { type: local, package: docker }\n`);
  const host = proc.url.replace(/^http:\/\//, '');
  const image = await buildOciImage(await tempDir(t), 'v1', ['amd64']);
  const writer = await token('write', ['images']);
  const reader = await token('read', ['images']);
  const elsewhere = await token('write', ['other']);

  await t.throwsAsync(pushImage(image, `${host}/images/app:v1`, { creds: `ci:${reader}` }), { message: /denied|403/i });
  await pushImage(image, `${host}/images/app:v1`, { creds: `ci:${writer}` });
  const manifest = await inspectRaw(`${host}/images/app:v1`, `me:${reader}`);
  t.is(JSON.parse(manifest).schemaVersion, 2);
  await t.throwsAsync(inspectRaw(`${host}/images/app:v1`), { message: /unauthorized|authentication required|401/i });
  await t.throwsAsync(inspectRaw(`${host}/images/app:v1`, `me:${elsewhere}`), { message: /denied|403/i });

  // The registry's own answers, pinned: 401 with a pull challenge, 403 DENIED.
  const anonymous = await fetch(`${proc.url}/v2/images/app/manifests/v1`, { headers: { authorization: 'Bearer anonymous' } });
  t.is(anonymous.status, 401);
  t.regex(anonymous.headers.get('www-authenticate') ?? '', /^Bearer realm="http:\/\/127\.0\.0\.1:\d+\/v2\/token",service="artifactapi",scope="repository:images\/app:pull"$/);
  const denied = await fetch(`${proc.url}/v2/images/app/manifests/v1`, { headers: { authorization: `Bearer ${elsewhere}` } });
  t.is(denied.status, 403);
  t.is(((await denied.json()) as { errors: { code: string }[] }).errors[0]!.code, 'DENIED');
  const issued = await fetch(`${proc.url}/v2/token?scope=repository:images/app:pull`, { headers: { authorization: `Basic ${Buffer.from(`me:${reader}`).toString('base64')}` } });
  t.is(issued.status, 200);
  t.is(((await issued.json()) as { token: string }).token, reader);
  t.is((await fetch(`${proc.url}/v2/token`, { headers: { authorization: `Basic ${Buffer.from('me:aapi_wrong').toString('base64')}` } })).status, 401);
  noSecretIn(t, proc, reader);
  noSecretIn(t, proc, writer);
});
