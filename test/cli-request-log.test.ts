import test from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';

const TOKEN = 'tok-7d1c0ffee-admin';
const USER = 'deploy';
const PASSWORD = 'pw-Zx81-upstream-secret';
const BODY = 'tool bytes '.repeat(100);

test('each artifact request logs one JSON line with its outcome, and no credential is logged', async (t) => {
  const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
  const upstream = await startUpstream({
    handlers: {
      // Serves only with the configured credentials, so a 200 proves they were sent.
      '/a/tool.bin': (req, res) => {
        if (req.headers.authorization !== basic) {
          res.writeHead(401, { 'www-authenticate': 'Basic realm="x"' }).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(BODY.length) }).end(BODY);
      },
    },
  });
  t.teardown(() => upstream.close());
  const dir = await tempDir(t);
  const config = await writeConfig(
    dir,
    `
log: { level: info }
auth: { admin_token: \${ADMIN_TOKEN} }
remotes:
  priv:
    type: remote
    package: generic
    base_url: ${upstream.url}
    username: ${USER}
    password: ${PASSWORD}
  files:
    type: local
    package: generic
`,
  );
  const proc = await startServe(t, { config, env: { ADMIN_TOKEN: TOKEN } });
  const api = `${proc.url}/api/v1/remote`;
  const bearer = { authorization: `Bearer ${TOKEN}` };

  const put = await fetch(`${api}/files/up/one.txt`, { method: 'PUT', body: 'uploaded', headers: bearer });
  t.is(put.status, 201);
  const local = await fetch(`${api}/files/up/one.txt`, { headers: bearer });
  t.is(await local.text(), 'uploaded');
  const miss = await fetch(`${api}/priv/a/tool.bin`);
  t.is(miss.status, 200);
  t.is(await miss.text(), BODY);
  const hit = await fetch(`${api}/priv/a/tool.bin`);
  t.is(hit.headers.get('x-artifact-cache'), 'HIT');
  await hit.arrayBuffer();
  const absent = await fetch(`${api}/priv/a/absent.bin`);
  t.is(absent.status, 404);
  await absent.arrayBuffer();
  // Not artifact requests: no artifact fields on their lines.
  await (await fetch(`${proc.url}/health`)).arrayBuffer();

  // Stopping the server flushes its log.
  t.is((await proc.stop()).code, 0);
  const lines = proc.logLines();
  const output = proc.stdout() + proc.stderr();

  const requestLines = lines.filter((l) => l.msg === 'request');
  const artifactLines = requestLines.filter((l) => 'repo' in l);
  const find = (method: string, url: string) => artifactLines.filter((l) => l.method === method && l.url === url);

  const expected: [string, string, Record<string, unknown>][] = [
    ['PUT', '/api/v1/remote/files/up/one.txt', { repo: 'files', path: 'up/one.txt', status: 201 }],
    ['GET', '/api/v1/remote/files/up/one.txt', { repo: 'files', path: 'up/one.txt', status: 200, bytes: 8 }],
    ['GET', '/api/v1/remote/priv/a/tool.bin', { repo: 'priv', path: 'a/tool.bin', status: 200, cache: 'MISS', upstreamStatus: 200, bytes: BODY.length }],
    ['GET', '/api/v1/remote/priv/a/tool.bin', { repo: 'priv', path: 'a/tool.bin', status: 200, cache: 'HIT', bytes: BODY.length }],
    ['GET', '/api/v1/remote/priv/a/absent.bin', { repo: 'priv', path: 'a/absent.bin', status: 404, upstreamStatus: 404 }],
  ];
  t.is(artifactLines.length, expected.length, 'one line per artifact request, no more');
  t.is(find('PUT', expected[0]![1]).length, 1);
  t.is(find('GET', expected[1]![1]).length, 1);
  t.is(find('GET', expected[2]![1]).length, 2);
  t.is(find('GET', expected[4]![1]).length, 1);
  for (const [index, [method, url, fields]] of expected.entries()) {
    // The two tool.bin lines are told apart by order: the miss came first.
    const line = index === 3 ? find(method, url)[1] : find(method, url)[0];
    t.like(line, fields, `${method} ${url}`);
    t.is(typeof line?.ms, 'number', `${method} ${url} has ms`);
  }
  t.false('upstreamStatus' in find('GET', expected[2]![1])[1]!, 'a hit has no upstream status');

  // Every request line belongs to a request; no artifact request has a second line of its own.
  const artifactReqIds = new Set(artifactLines.map((l) => l.reqId));
  t.is(artifactReqIds.size, expected.length);
  const healthLines = requestLines.filter((l) => l.url === '/health');
  t.true(healthLines.length >= 1);
  t.true(healthLines.every((l) => !('repo' in l)));
  t.is(requestLines.length, artifactLines.length + healthLines.length);

  for (const secret of [TOKEN, PASSWORD, Buffer.from(`${USER}:${PASSWORD}`).toString('base64')]) {
    t.false(output.includes(secret), `the output contains ${secret}`);
  }
});
