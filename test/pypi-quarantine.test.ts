import test from 'ava';
import { buildDists, installedVersion, makeVenv, pip, startPypiProxy, startPypiUpstream } from './helpers/pypi-upstream.js';

test('with quarantine_days pip installs the older version, and the young file gets 451', async (t) => {
  const upstream = await startPypiUpstream(t, await buildDists(t));
  const { base } = await startPypiProxy(t, upstream, { quarantine_days: '3' });

  const venv = await makeVenv(t);
  const out = await pip(venv, ['install', '--no-cache-dir', '--index-url', `${base}/simple/`, 'tinywheel']);
  t.regex(out, /Successfully installed tinywheel-1\.0\.0/);
  t.is(await installedVersion(venv, 'tinywheel'), '1.0.0');

  const young = upstream.dists.get('tinywheel-1.1.0-py3-none-any.whl')!;
  const page = (await (await fetch(`${base}/simple/tinywheel/`, { headers: { accept: 'application/vnd.pypi.simple.v1+json' } })).json()) as {
    versions: string[];
    files: { filename: string }[];
  };
  t.deepEqual(page.versions, ['1.0.0']);
  t.deepEqual(page.files.map((f) => f.filename), ['tinywheel-1.0.0-py3-none-any.whl']);

  for (const path of [young.path, `${young.path}.metadata`]) {
    const res = await fetch(`${base}${path}`);
    t.is(res.status, 451, path);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    t.is(error.code, 'AAPI_ERR_QUARANTINED');
    t.regex(error.message, /tinywheel==1\.1\.0/);
    t.regex(error.message, /serves it from \d{4}-\d\d-\d\dT/);
  }
  t.is(upstream.files.hits(young.path, 'GET'), 0);
});
