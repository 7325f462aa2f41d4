import test from 'ava';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';

interface RootInfo {
  repositories: { name: string; type: string; package: string; url: string; upstream?: string }[];
}

test('serve with the bundled default config lists its repositories and reports healthy backends', async (t) => {
  const proc = await startServe(t);

  const root = await fetch(`${proc.url}/`);
  t.is(root.status, 200);
  const info = (await root.json()) as RootInfo;
  const names = info.repositories.map((r) => r.name);
  for (const expected of ['github', 'nodejs-dist', 'files']) t.true(names.includes(expected), `GET / lists ${expected}: ${names.join(', ')}`);
  const files = info.repositories.find((r) => r.name === 'files');
  t.is(files?.type, 'local');
  t.is(files?.url, `${proc.url}/api/v1/remote/files/`);

  const health = await fetch(`${proc.url}/health`);
  t.is(health.status, 200);
  const body = (await health.json()) as { status: string; backends: Record<string, { kind: string; ok: boolean }> };
  t.is(body.status, 'ok');
  t.like(body.backends, {
    storage: { kind: 'fs', ok: true },
    metadata: { kind: 'sqlite', ok: true },
    coordination: { kind: 'memory', ok: true },
  });

  // An artifact request first, so the request counters have a sample to show.
  const denied = await fetch(`${proc.url}/api/v1/remote/github/some/web/page`);
  t.is(denied.status, 403);
  const metrics = await fetch(`${proc.url}/metrics`);
  t.is(metrics.status, 200);
  t.regex(metrics.headers.get('content-type') ?? '', /^text\/plain/);
  const text = await metrics.text();
  t.regex(text, /^# HELP /m);
  t.regex(text, /^# TYPE \S+ (counter|gauge|histogram|summary)$/m);
  // Every sample line is `name{labels} value`, as Prometheus parses it.
  for (const line of text.split('\n').filter((l) => l !== '' && !l.startsWith('#'))) {
    t.regex(line, /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? ([-+0-9.eE]+|NaN|[+-]Inf)$/, line);
  }
  t.regex(text, /repo="github"/);
});

test('the bundled default config takes the admin token from ADMIN_TOKEN and never shows it', async (t) => {
  const secret = 's3cr3t-value';
  const proc = await startServe(t, { env: { ADMIN_TOKEN: secret } });
  const config = await (await fetch(`${proc.url}/config`)).text();
  t.false(config.includes(secret));
  t.like(JSON.parse(config), { auth: { admin_token: '***' } });
  // The token is in effect even though it is hidden: an upload with it is accepted.
  const put = await fetch(`${proc.url}/api/v1/remote/files/a.txt`, { method: 'PUT', body: 'x', headers: { authorization: `Bearer ${secret}` } });
  t.is(put.status, 201);
});

test('credentials in a custom config appear in no endpoint', async (t) => {
  const secrets = ['s3cr3t-value', 'pw-secret-789', 'url-secret-123', 'query-secret-456', 'opt-secret-000'];
  const dir = await tempDir(t);
  const config = await writeConfig(
    dir,
    `
auth: { admin_token: \${ADMIN_TOKEN} }
remotes:
  priv:
    type: remote
    package: generic
    base_url: http://127.0.0.1:9/repo?access_token=query-secret-456
    username: deploy
    password: pw-secret-789
    # an option for a plugin; its name says it is a credential
    api_key: opt-secret-000
  # credentials in the URL, the other way to give them (not both at once: check-config refuses that)
  inurl:
    type: remote
    package: generic
    base_url: http://deploy:url-secret-123@127.0.0.1:9/repo
  files:
    type: local
    package: generic
`,
  );
  const proc = await startServe(t, { config, env: { ADMIN_TOKEN: 's3cr3t-value' } });

  const shown = await (await fetch(`${proc.url}/config`)).json();
  t.like(shown, { auth: { admin_token: '***' }, remotes: { priv: { username: 'deploy', password: '***' } } });
  for (const path of ['/config', '/', '/health', '/metrics']) {
    const body = await (await fetch(`${proc.url}${path}`)).text();
    for (const secret of secrets) t.false(body.includes(secret), `${path} shows ${secret}`);
  }
  await proc.stop();
  for (const secret of secrets) t.false(proc.stdout().includes(secret) || proc.stderr().includes(secret), `the log shows ${secret}`);
});
