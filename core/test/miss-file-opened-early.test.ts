import test from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { assertNothingStored } from './helpers/integrity-asserts.js';
import { genericRemote, startProxy } from './helpers/proxy.js';

// A cold miss opens its blob file while the upstream request is on its way (so that opening it is
// not in front of the first byte); these pin that an answer with no body to store leaves nothing.

test('a cold miss answered 404, 410 or 500 leaves no temporary file and stores nothing', async (t) => {
  const upstream = await startUpstream({
    handlers: {
      '/gone.bin': (_req, res) => {
        res.statusCode = 410;
        res.end('gone');
      },
      '/broken.bin': (_req, res) => {
        res.statusCode = 500;
        res.end('broken');
      },
    },
  });
  t.teardown(() => upstream.close());
  const proxy = await startProxy(t, genericRemote(upstream.url));
  const cases: [string, number, string][] = [
    ['missing.bin', 404, 'AAPI_ERR_NOT_FOUND'],
    ['gone.bin', 410, 'AAPI_ERR_GONE'],
    ['broken.bin', 502, 'AAPI_ERR_UPSTREAM_FAILED'],
  ];
  for (const [path, status, code] of cases) {
    const res = await fetch(`${proxy.url}/api/v1/remote/up/${path}`);
    t.is(res.status, status, path);
    t.is(((await res.json()) as { error: { code: string } }).error.code, code, path);
  }
  await assertNothingStored(t, proxy.dataDir);
});

test('a cold miss whose upstream is unreachable leaves no temporary file', async (t) => {
  const upstream = await startUpstream({ files: {} });
  const url = upstream.url;
  await upstream.close();
  const proxy = await startProxy(t, genericRemote(url));
  const res = await fetch(`${proxy.url}/api/v1/remote/up/any.bin`);
  t.is(res.status, 502);
  t.is(((await res.json()) as { error: { code: string } }).error.code, 'AAPI_ERR_UPSTREAM_UNREACHABLE');
  await assertNothingStored(t, proxy.dataDir);
});
