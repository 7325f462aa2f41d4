import test from 'ava';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildDists, installedVersion, makeVenv, pip, startPypiProxy, startPypiUpstream } from './helpers/pypi-upstream.js';

test('pip installs a wheel and an sdist through the proxy, and again with the upstream stopped', async (t) => {
  const upstream = await startPypiUpstream(t, await buildDists(t));
  const { proxy } = await startPypiProxy(t, upstream, { cache: '{ mutable_ttl: 1 }' });
  const indexUrl = `${proxy.url}/api/v1/remote/pypi/simple/`;

  const first = await pip(await makeVenv(t), ['install', '--no-cache-dir', '--index-url', indexUrl, 'tinywheel', 'tinysdist']);
  t.regex(first, /Successfully installed tinysdist-0\.1\.0 tinywheel-1\.1\.0/);
  // pip read PEP 658 metadata through the proxy, and every file came from the files host.
  const metadata = upstream.dists.get('tinywheel-1.1.0-py3-none-any.whl.metadata')!;
  t.is(upstream.files.hits(metadata.path, 'GET'), 1);
  t.is(upstream.files.hits(upstream.dists.get('tinysdist-0.1.0.tar.gz')!.path, 'GET'), 1);
  const pageRequest = upstream.index.requests.find((r) => r.path === '/simple/tinywheel/');
  t.regex(String(pageRequest?.headers.accept), /^application\/vnd\.pypi\.simple\.v1\+json/);

  await upstream.close();
  await sleep(1_500); // past mutable_ttl: the pages are now served stale
  const venv = await makeVenv(t);
  const second = await pip(venv, ['install', '--no-cache-dir', '--index-url', indexUrl, 'tinywheel', 'tinysdist']);
  t.regex(second, /Successfully installed tinysdist-0\.1\.0 tinywheel-1\.1\.0/);
  t.is(await installedVersion(venv, 'tinywheel'), '1.1.0');
  t.is(await installedVersion(venv, 'tinysdist'), '0.1.0');
});
