import test from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { fetchSummary as get } from './helpers/fetch-summary.js';
import { genericRemote, startProxy } from './helpers/proxy.js';

// remotes.<name>.redirect_hosts decides which non-public hosts an upstream redirect may reach.

const PATH = '/releases/tool-1.0.tgz';

async function redirecting(t: { teardown(fn: () => unknown): void }) {
  const objects = await startUpstream({ files: { '/blob/tool': { body: 'tool bytes' } } });
  const origin = await startUpstream({
    handlers: { [PATH]: (_req, res) => void res.writeHead(302, { location: `${objects.url}/blob/tool?sig=abc` }).end() },
  });
  t.teardown(() => Promise.all([origin.close(), objects.close()]));
  return { origin, objects, objectsHost: new URL(objects.url).host };
}

test('a redirect to a loopback host not in redirect_hosts is a 502 and never reaches it', async (t) => {
  const { origin, objects } = await redirecting(t);
  const proxy = await startProxy(t, genericRemote(origin.url));
  const res = await get(`${proxy.url}/api/v1/remote/up${PATH}`);
  t.is(res.status, 502);
  t.is(res.code, 'AAPI_ERR_UPSTREAM_REDIRECT_REFUSED');
  t.false(res.body.includes('sig=abc'));
  t.is(objects.requests.length, 0);
});

test('the same redirect is followed and cached when the host is in redirect_hosts', async (t) => {
  const { origin, objects, objectsHost } = await redirecting(t);
  const proxy = await startProxy(t, genericRemote(origin.url, `redirect_hosts: ['${objectsHost}']`));
  const url = `${proxy.url}/api/v1/remote/up${PATH}`;
  t.like(await get(url), { status: 200, body: 'tool bytes', source: 'remote' });
  t.like(await get(url), { status: 200, body: 'tool bytes', source: 'cache' });
  t.is(objects.hits('/blob/tool'), 1);
});
