import { createServer, type IncomingHttpHeaders } from 'node:http';
import test from 'ava';
import { ConfigError, parseConfig } from '../src/config/index.js';
import { fetchSummary as get } from './helpers/fetch-summary.js';
import { captureLogs } from './helpers/log-capture.js';
import { startProxy } from './helpers/proxy.js';
import { closeServer, listen } from './upstream-helpers.js';

// Issue 8, item 6: `base_url: http://user:pass@host` is a way to give the upstream credentials.
// They are taken out of the URL (which would otherwise be refused as a host switch), sent as
// Basic auth, and shown nowhere.

test('credentials in base_url are sent as Basic auth, decoded, and neither /config nor the logs show the password', async (t) => {
  const seen: IncomingHttpHeaders[] = [];
  const upstream = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(req.url === '/x.bin' ? 200 : 404).end('x');
  });
  const port = await listen(upstream);
  t.teardown(() => closeServer(upstream));
  const logs = captureLogs('debug');
  const proxy = await startProxy(
    t,
    `
remotes:
  up: { type: remote, package: generic, base_url: "http://reader:p%40ss-w0rd@127.0.0.1:${port}/" }
`,
    { logger: logs.logger },
  );
  t.like(await get(`${proxy.url}/api/v1/remote/up/x.bin`), { status: 200, body: 'x' });
  t.like(await get(`${proxy.url}/api/v1/remote/up/missing.bin`), { status: 404 });
  t.is(seen[0]?.authorization, `Basic ${Buffer.from('reader:p@ss-w0rd').toString('base64')}`);

  const config = await get(`${proxy.url}/config`);
  t.is(config.status, 200);
  const up = (JSON.parse(config.body) as { remotes: Record<string, { base_url: string; password: string }> }).remotes['up']!;
  t.is(up.base_url, `http://127.0.0.1:${port}`);
  t.is(up.password, '***');
  const listing = await get(`${proxy.url}/`);
  for (const text of [config.body, listing.body, JSON.stringify(logs.lines)]) {
    t.false(text.includes('p%40ss-w0rd'));
    t.false(text.includes('p@ss-w0rd'));
  }
});

const BOTH: [label: string, keys: string, named: RegExp][] = [
  ['username', 'username: other', /remotes\.up\.username is set too/],
  ['password', 'password: other', /remotes\.up\.password is set too/],
  ['username and password', 'username: other, password: other', /remotes\.up\.username and remotes\.up\.password are set too/],
];

for (const [label, keys, named] of BOTH) {
  test(`credentials in base_url and ${label} at once are refused, naming remotes.up.base_url and not the password`, (t) => {
    const text = `remotes:\n  up: { type: remote, package: generic, base_url: "http://reader:s3cret@127.0.0.1:9", ${keys} }\n`;
    const err = t.throws(() => parseConfig(text, { env: {} }), { instanceOf: ConfigError });
    t.is(err?.issues.length, 1);
    t.is(err?.issues[0]?.path, 'remotes.up.base_url');
    t.regex(err?.message ?? '', named);
    t.false(err?.message.includes('s3cret'));
  });
}

