import test from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { pluginSandbox } from './helpers/plugin-sandbox.js';
import { startProxy } from './helpers/proxy.js';

// A classification's contentType replaces a missing or generic upstream type (object stores send
// application/octet-stream for anything), never a specific one. The probe fixture plugin
// classifies typed/ as application/vnd.probe+json and says nothing about other paths.

const PROBE_TYPE = 'application/vnd.probe+json';

test('a classified content type replaces a missing or generic upstream one, on the miss and on the hit', async (t) => {
  const upstream = await startUpstream({
    files: {
      '/typed/octet.json': { body: '{}', contentType: 'application/octet-stream' },
      '/typed/binary.json': { body: '{}', contentType: 'binary/octet-stream' },
      '/typed/plain.json': { body: '{}', contentType: 'Text/Plain; charset=utf-8' },
      '/typed/specific.json': { body: '{}', contentType: 'application/json; charset=utf-8' },
      '/other/octet.bin': { body: 'x', contentType: 'application/octet-stream' },
    },
    handlers: {
      '/typed/none.json': (_req, res) => void res.writeHead(200, { 'content-length': '2' }).end('{}'),
    },
  });
  t.teardown(() => upstream.close());
  const root = await pluginSandbox(t, ['artifactapi-plugin-probe']);
  const proxy = await startProxy(t, `remotes:\n  p:\n    type: remote\n    package: probe\n    base_url: ${upstream.url}\n`, { pluginSearchFrom: [root] });

  const expected: Record<string, string> = {
    'typed/octet.json': PROBE_TYPE,
    'typed/binary.json': PROBE_TYPE,
    'typed/plain.json': PROBE_TYPE,
    'typed/none.json': PROBE_TYPE,
    'typed/specific.json': 'application/json; charset=utf-8',
    'other/octet.bin': 'application/octet-stream',
  };
  for (const [path, contentType] of Object.entries(expected)) {
    for (const cache of ['MISS', 'HIT']) {
      const res = await fetch(`${proxy.url}/api/v1/remote/p/${path}`);
      await res.arrayBuffer();
      t.is(res.status, 200, path);
      t.is(res.headers.get('x-artifact-cache'), cache, path);
      t.is(res.headers.get('content-type'), contentType, `${path} (${cache})`);
    }
  }
});
