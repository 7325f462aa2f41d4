import test, { type ExecutionContext } from 'ava';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { fetchSummary } from './helpers/fetch-summary.js';
import { rawGet } from './helpers/raw-get.js';
import { captureLogs } from './helpers/log-capture.js';
import { startProxy, type TestProxy } from './helpers/proxy.js';

// Named access tokens (DESIGN §10): created and revoked through /api/v2/tokens, stored hashed,
// write scopes for uploads, `auth: {read: token}` for reads, and never echoed anywhere.

const ADMIN = 'admin-secret';
const admin = { authorization: `Bearer ${ADMIN}` };
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

async function server(t: ExecutionContext, logger = captureLogs()) {
  const upstream = await startUpstream({ files: { '/pkg/a.txt': 'private bytes', '/pkg/b.txt': 'more bytes' } });
  t.teardown(() => upstream.close());
  const yaml = `
auth: { admin_token: ${ADMIN} }
remotes:
  secret: { type: remote, package: generic, base_url: ${upstream.url}, auth: { read: token } }
  open: { type: remote, package: generic, base_url: ${upstream.url} }
  files: { type: local, package: generic }
  other: { type: local, package: generic }
virtuals:
  all: { package: generic, members: [open, secret] }
  public: { package: generic, members: [open] }
`;
  const proxy = await startProxy(t, yaml, { logger: logger.logger });
  return { proxy, logs: logger };
}

async function createToken(proxy: TestProxy, body: object) {
  const res = await fetch(`${proxy.url}/api/v2/tokens`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

async function secretFor(proxy: TestProxy, access: 'read' | 'write', repositories: string[]): Promise<{ id: string; token: string }> {
  const created = await createToken(proxy, { name: `${access} ${repositories.join(',')}`, scopes: [{ access, repositories }] });
  return { id: created.body['id'] as string, token: created.body['token'] as string };
}

const put = (proxy: TestProxy, repo: string, path: string, headers: Record<string, string> = {}) =>
  fetchSummary(`${proxy.url}/api/v1/remote/${repo}/${path}`, { method: 'PUT', body: 'uploaded', headers });

test('POST /api/v2/tokens answers 201 with the secret once; GET lists it without secret or hash; the store holds only its sha256', async (t) => {
  const { proxy } = await server(t);
  const created = await createToken(proxy, { name: 'ci publish', scopes: [{ access: 'write', repositories: ['files'] }], expires_at: '2099-01-01T00:00:00.000Z' });
  t.is(created.status, 201);
  t.is(created.headers.get('cache-control'), 'no-store');
  const secret = created.body['token'] as string;
  t.regex(secret, /^aapi_[A-Za-z0-9_-]{43}$/);
  t.deepEqual(Object.keys(created.body).sort(), ['created_at', 'expires_at', 'id', 'last_used_at', 'name', 'scopes', 'token']);
  t.like(created.body, { name: 'ci publish', scopes: [{ access: 'write', repositories: ['files'] }], expires_at: '2099-01-01T00:00:00.000Z', last_used_at: null });

  const listed = await fetch(`${proxy.url}/api/v2/tokens`, { headers: admin });
  t.is(listed.status, 200);
  const text = await listed.text();
  t.false(text.includes(secret));
  const { tokens } = JSON.parse(text) as { tokens: Record<string, unknown>[] };
  t.is(tokens.length, 1);
  t.deepEqual(Object.keys(tokens[0]!).sort(), ['created_at', 'expires_at', 'id', 'last_used_at', 'name', 'scopes']);
  t.is(tokens[0]!['id'], created.body['id']);

  const db = new DatabaseSync(join(proxy.dataDir, 'metadata.db'), { readOnly: true });
  t.teardown(() => db.close());
  const rows = db.prepare('SELECT * FROM tokens').all() as Record<string, unknown>[];
  t.is(rows.length, 1);
  t.is(rows[0]!['hash'], createHash('sha256').update(secret).digest('hex'));
  t.false(JSON.stringify(rows).includes(secret));
  t.false(JSON.stringify(rows).includes(secret.slice(5)));
});

test('the token API needs the admin token: none → 401, a named token → 403; bad bodies → 400 with key paths; unknown id → 404', async (t) => {
  const { proxy } = await server(t);
  const named = await secretFor(proxy, 'write', ['*']);
  t.like(await fetchSummary(`${proxy.url}/api/v2/tokens`), { status: 401, code: 'AAPI_ERR_AUTH_REQUIRED' });
  t.like(await fetchSummary(`${proxy.url}/api/v2/tokens`, { headers: bearer(named.token) }), { status: 403, code: 'AAPI_ERR_AUTH_FORBIDDEN' });

  const badAccess = await createToken(proxy, { name: 'x', scopes: [{ access: 'admin', repositories: ['files'] }] });
  t.is(badAccess.status, 400);
  t.like(badAccess.body, { error: { code: 'AAPI_ERR_REQUEST_INVALID' } });
  t.regex(JSON.stringify(badAccess.body), /scopes\/0\/access|scopes\[0\]\.access/);
  t.like(await createToken(proxy, { name: 'x', scopes: [] }), { status: 400, body: { error: { code: 'AAPI_ERR_REQUEST_INVALID' } } });
  t.like(await createToken(proxy, { name: 'x', scopes: [{ access: 'read', repositories: ['../etc'] }] }), { status: 400 });
  const past = await createToken(proxy, { name: 'x', scopes: [{ access: 'read', repositories: ['files'] }], expires_at: '2000-01-01T00:00:00Z' });
  t.like(past, { status: 400, body: { error: { code: 'AAPI_ERR_REQUEST_INVALID', path: 'body.expires_at' } } });

  t.like(await fetchSummary(`${proxy.url}/api/v2/tokens/no-such-id`, { method: 'DELETE', headers: admin }), { status: 404, code: 'AAPI_ERR_NOT_FOUND' });
  const revoked = await fetch(`${proxy.url}/api/v2/tokens/${named.id}`, { method: 'DELETE', headers: admin });
  t.is(revoked.status, 204);
  t.is(await revoked.text(), '');
  t.like(await fetchSummary(`${proxy.url}/api/v2/tokens/${named.id}`, { method: 'DELETE', headers: admin }), { status: 404, code: 'AAPI_ERR_NOT_FOUND' });
  t.deepEqual(((await (await fetch(`${proxy.url}/api/v2/tokens`, { headers: admin })).json()) as { tokens: unknown[] }).tokens, []);
});

test('a write token uploads to its repositories only, a read token uploads nowhere, a revoked one no more', async (t) => {
  const { proxy } = await server(t);
  const writer = await secretFor(proxy, 'write', ['files']);
  const reader = await secretFor(proxy, 'read', ['*']);
  t.like(await put(proxy, 'files', 'a.txt', bearer(writer.token)), { status: 201 });
  t.like(await put(proxy, 'files', 'b.txt', { authorization: basic('anyone', writer.token) }), { status: 201 });
  t.like(await put(proxy, 'other', 'a.txt', bearer(writer.token)), { status: 403, code: 'AAPI_ERR_AUTH_FORBIDDEN' });
  t.like(await put(proxy, 'files', 'c.txt', bearer(reader.token)), { status: 403, code: 'AAPI_ERR_AUTH_FORBIDDEN' });
  t.like(await fetchSummary(`${proxy.url}/api/v1/remote/files/a.txt`, { method: 'DELETE', headers: bearer(reader.token) }), { status: 403, code: 'AAPI_ERR_AUTH_FORBIDDEN' });
  const anonymous = await put(proxy, 'files', 'd.txt');
  t.like(anonymous, { status: 401, code: 'AAPI_ERR_AUTH_REQUIRED' });
  t.is(anonymous.headers.get('www-authenticate'), 'Bearer realm="artifactapi"');
  t.like(await fetchSummary(`${proxy.url}/api/v1/remote/files/c.txt`), { status: 404 });
  t.like(await fetchSummary(`${proxy.url}/api/v1/remote/files/a.txt`, { method: 'DELETE', headers: bearer(writer.token) }), { status: 204 });

  t.is((await fetch(`${proxy.url}/api/v2/tokens/${writer.id}`, { method: 'DELETE', headers: admin })).status, 204);
  t.like(await put(proxy, 'files', 'e.txt', bearer(writer.token)), { status: 403, code: 'AAPI_ERR_AUTH_FORBIDDEN' });
  t.like(await fetchSummary(`${proxy.url}/api/v1/remote/files/e.txt`), { status: 404 });
});

test('auth.read: token — no credentials 401 with a Basic challenge, other repositories\' tokens 403, read or write tokens and the admin 200; the hot path asks too', async (t) => {
  const { proxy, logs } = await server(t);
  const url = `${proxy.url}/api/v1/remote/secret/pkg/a.txt`;
  const reader = await secretFor(proxy, 'read', ['secret']);
  const writer = await secretFor(proxy, 'write', ['secret']);
  const elsewhere = await secretFor(proxy, 'read', ['open', 'files']);

  const anonymous = await fetchSummary(url);
  t.like(anonymous, { status: 401, code: 'AAPI_ERR_AUTH_REQUIRED' });
  t.is(anonymous.headers.get('www-authenticate'), 'Basic realm="artifactapi"');
  t.like(await fetchSummary(url, { headers: bearer(elsewhere.token) }), { status: 403, code: 'AAPI_ERR_AUTH_FORBIDDEN' });
  t.like(await fetchSummary(url, { headers: bearer('aapi_' + 'A'.repeat(43)) }), { status: 403, code: 'AAPI_ERR_AUTH_FORBIDDEN' });
  t.like(await fetchSummary(url, { headers: bearer(reader.token) }), { status: 200, body: 'private bytes', source: 'remote' });
  // Now a hit in the memory tier: still checked.
  t.like(await fetchSummary(url, { headers: bearer(reader.token) }), { status: 200, body: 'private bytes', cache: 'HIT' });
  t.like(await fetchSummary(url), { status: 401, code: 'AAPI_ERR_AUTH_REQUIRED' });
  t.like(await fetchSummary(url, { method: 'HEAD' }), { status: 401 });
  t.like(await fetchSummary(url, { headers: { authorization: basic('pip', reader.token) } }), { status: 200, body: 'private bytes' });
  t.like(await fetchSummary(url, { headers: bearer(writer.token) }), { status: 200 });
  t.like(await fetchSummary(url, { headers: admin }), { status: 200 });
  // The seeds' short form is the same route.
  t.like(await fetchSummary(`${proxy.url}/api/secret/pkg/a.txt`), { status: 401, code: 'AAPI_ERR_AUTH_REQUIRED' });
  // Repositories without auth.read stay open, and their hits still take the hot path (request ids "hot-…").
  t.like(await fetchSummary(`${proxy.url}/api/v1/remote/open/pkg/a.txt`), { status: 200, body: 'private bytes' });
  t.like(await fetchSummary(`${proxy.url}/api/v1/remote/open/pkg/a.txt`), { status: 200, cache: 'HIT' });
  const served = logs.lines.filter((l) => l.msg === 'request' && l['status'] === 200);
  t.deepEqual(served.filter((l) => l['repo'] === 'open').map((l) => String(l.reqId).startsWith('hot-')), [false, true]);
  t.false(served.some((l) => l['repo'] === 'secret' && String(l.reqId).startsWith('hot-')), 'a protected repository never takes the hot path');

  t.is((await fetch(`${proxy.url}/api/v2/tokens/${reader.id}`, { method: 'DELETE', headers: admin })).status, 204);
  t.like(await fetchSummary(url, { headers: bearer(reader.token) }), { status: 403, code: 'AAPI_ERR_AUTH_FORBIDDEN' });
});

test('a virtual with a protected member needs a token that names the virtual; one without stays open', async (t) => {
  const { proxy } = await server(t);
  const url = `${proxy.url}/api/v1/virtual/all/pkg/b.txt`;
  const forVirtual = await secretFor(proxy, 'read', ['all']);
  const forMember = await secretFor(proxy, 'read', ['secret']);
  t.like(await fetchSummary(url), { status: 401, code: 'AAPI_ERR_AUTH_REQUIRED' });
  t.like(await fetchSummary(url, { headers: bearer(forMember.token) }), { status: 403, code: 'AAPI_ERR_AUTH_FORBIDDEN' });
  t.like(await fetchSummary(url, { headers: bearer(forVirtual.token) }), { status: 200, body: 'more bytes' });
  t.like(await fetchSummary(`${proxy.url}/api/v1/virtual/public/pkg/b.txt`), { status: 200, body: 'more bytes' });
});

test('auth.read set on repositories created through the API, remote and virtual, is honoured and shown', async (t) => {
  const { proxy } = await server(t);
  const post = (kind: string, body: object) =>
    fetch(`${proxy.url}/api/v2/${kind}`, { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const upstreamUrl = (((await (await fetch(`${proxy.url}/api/v2/remotes/open`, { headers: admin })).json()) as { base_url: string }).base_url);
  t.is((await post('remotes', { name: 'guarded', package: 'generic', base_url: upstreamUrl, auth: { read: 'token' } })).status, 201);
  t.is((await post('virtuals', { name: 'guarded-all', package: 'generic', members: ['open'], auth: { read: 'token' } })).status, 201);
  const invalid = await post('remotes', { name: 'bad', package: 'generic', base_url: upstreamUrl, auth: { read: 'password' } });
  t.is(invalid.status, 400);
  t.like(await invalid.json(), { error: { code: 'AAPI_ERR_REQUEST_INVALID' } });
  t.like(await (await fetch(`${proxy.url}/api/v2/remotes/guarded`, { headers: admin })).json(), { auth: { read: 'token' } });
  t.like(await (await fetch(`${proxy.url}/api/v2/remotes/open`, { headers: admin })).json(), { auth: { read: 'anonymous' } });

  const reader = await secretFor(proxy, 'read', ['guarded', 'guarded-all']);
  for (const url of [`${proxy.url}/api/v1/remote/guarded/pkg/a.txt`, `${proxy.url}/api/v1/virtual/guarded-all/pkg/a.txt`]) {
    t.like(await fetchSummary(url), { status: 401, code: 'AAPI_ERR_AUTH_REQUIRED' }, url);
    t.like(await fetchSummary(url, { headers: bearer(reader.token) }), { status: 200, body: 'private bytes' }, url);
  }
});

test('an expired token is refused like a revoked one; last_used_at records a use', async (t) => {
  const { proxy } = await server(t);
  // Rows written straight into the store, as another replica would have: one past its expiry, one not.
  const db = new DatabaseSync(join(proxy.dataDir, 'metadata.db'));
  t.teardown(() => db.close());
  const insert = (id: string, secret: string, expiresAt: number) =>
    db
      .prepare('INSERT INTO tokens (id, name, scopes, hash, created_at, expires_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, NULL)')
      .run(id, id, JSON.stringify([{ access: 'read', repositories: ['secret'] }]), createHash('sha256').update(secret).digest('hex'), Date.now(), expiresAt);
  const expired = `aapi_${'E'.repeat(43)}`;
  const live = `aapi_${'L'.repeat(43)}`;
  insert('expired', expired, Date.now() - 1000);
  insert('live', live, Date.now() + 3_600_000);
  const url = `${proxy.url}/api/v1/remote/secret/pkg/a.txt`;
  t.like(await fetchSummary(url, { headers: bearer(expired) }), { status: 403, code: 'AAPI_ERR_AUTH_FORBIDDEN' });
  t.like(await fetchSummary(url, { headers: bearer(live) }), { status: 200, body: 'private bytes' });
  const listed = (await (await fetch(`${proxy.url}/api/v2/tokens`, { headers: admin })).json()) as { tokens: { id: string; last_used_at: string | null }[] };
  t.deepEqual(listed.tokens.map((token) => [token.id, token.last_used_at !== null]), [['expired', false], ['live', true]]);
});

test('no secret in the request log, error bodies, /config, the event stream or the token list', async (t) => {
  const logs = captureLogs('trace');
  const { proxy } = await server(t, logs);
  const events = await fetch(`${proxy.url}/api/v2/events?token=${ADMIN}`, { headers: { accept: 'text/event-stream' } });
  const reader = events.body!.getReader();
  const created = await secretFor(proxy, 'write', ['files']);
  const seen: string[] = [];
  seen.push((await put(proxy, 'files', 'x.txt', bearer(created.token))).body);
  seen.push((await put(proxy, 'other', 'x.txt', bearer(created.token))).body);
  seen.push((await fetchSummary(`${proxy.url}/api/v1/remote/secret/pkg/a.txt`, { headers: { authorization: basic('u', created.token) } })).body);
  seen.push((await fetchSummary(`${proxy.url}/api/v1/remote/secret/pkg/a.txt?token=${created.token}`)).body);
  // An absolute-form target with credentials, as a client configured with a proxy sends it: routed by its path.
  t.like(await rawGet(proxy.url, `http://u:${created.token}@${new URL(proxy.url).host}/api/v1/remote/secret/pkg/a.txt`), { status: 401, code: 'AAPI_ERR_AUTH_REQUIRED' });
  seen.push((await fetchSummary(`${proxy.url}/api/v2/tokens`, { headers: bearer(created.token) })).body);
  seen.push(await (await fetch(`${proxy.url}/config`)).text());
  seen.push(await (await fetch(`${proxy.url}/api/v2/tokens`, { headers: admin })).text());
  await fetch(`${proxy.url}/api/v2/tokens/${created.id}`, { method: 'DELETE', headers: admin });
  seen.push((await put(proxy, 'files', 'y.txt', bearer(created.token))).body);
  const chunk = await Promise.race([reader.read(), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 500))]);
  if (chunk && chunk.value) seen.push(Buffer.from(chunk.value).toString('utf8'));
  await reader.cancel();

  t.true(seen.some((body) => body.includes('AAPI_ERR_AUTH_FORBIDDEN')), 'the error bodies were captured');
  t.true(logs.lines.some((line) => line.msg === 'request'), 'the request log was captured');
  t.is(logs.lines.filter((line) => line.msg === 'request' && line['url'] === '/api/v1/remote/secret/pkg/a.txt' && line['status'] === 401).length, 2, 'the absolute-form request was logged by its path');
  const everything = JSON.stringify(logs.lines) + seen.join('\n');
  t.false(everything.includes(created.token));
  t.false(everything.includes(created.token.slice(5)));
});
