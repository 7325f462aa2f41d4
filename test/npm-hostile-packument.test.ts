import test from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';

test('a packument nested 100,000 deep is a 502 AAPI_ERR_UPSTREAM_DOCUMENT on every request, and the proxy stays up', async (t) => {
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  const upstream = await startUpstream({
    files: {
      '/deep': { body: `{"name":"deep","versions":{"1.0.0":{"name":"deep","version":"1.0.0","x":${deep}}}}`, contentType: 'application/json' },
      '/fine': { body: '{"name":"fine","dist-tags":{},"versions":{}}', contentType: 'application/json' },
    },
  });
  t.teardown(() => upstream.close());
  const dir = await tempDir(t);
  const config = await writeConfig(dir, `remotes:\n  npmjs: { type: remote, package: npm, base_url: '${upstream.url}' }\n`);
  const proc = await startServe(t, { config });

  for (const accept of ['application/json', 'application/vnd.npm.install-v1+json', 'application/json']) {
    const res = await fetch(`${proc.url}/api/v1/remote/npmjs/deep`, { headers: { accept } });
    t.is(res.status, 502, accept);
    // npm's error shape: the sentence in `error`, code and message beside it
    const body = (await res.json()) as { error: string; code: string; message: string };
    t.is(body.code, 'AAPI_ERR_UPSTREAM_DOCUMENT');
    t.regex(body.message, /deeper than 256 levels/);
    t.is(body.error, `${body.code}: ${body.message}`);
  }
  t.is(upstream.hits('/deep', 'GET'), 1, 'the document itself was fetched once and kept');
  const fine = await fetch(`${proc.url}/api/v1/remote/npmjs/fine`);
  t.is(fine.status, 200);
  t.is(((await fine.json()) as { name: string }).name, 'fine');
});
