import test from 'ava';
import { readFileSync } from 'node:fs';
import { runInspector, testContext } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';

const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/rewrite/${name}`, import.meta.url), 'utf8');
const options = { files_url: 'https://files.example' };

test('a JSON page gives each file its sha256, upload time and version, and its .metadata the core-metadata hash', async (t) => {
  const facts = await runInspector(plugin, 'simple', fixture('json-to-json/input.json'), { upstreamBase: 'https://index.example', options, path: 'simple/demo-pkg/' });
  t.deepEqual(facts, {
    'packages/12/34/demo_pkg-0.9-py3-none-any.whl': {
      version: 'demo-pkg==0.9',
      publishedAt: '2020-01-02T03:04:05.000000Z',
      digests: [{ algorithm: 'sha256', hex: '5'.repeat(64) }],
    },
    'packages/12/34/demo_pkg-0.9-py3-none-any.whl.metadata': {
      version: 'demo-pkg==0.9',
      publishedAt: '2020-01-02T03:04:05.000000Z',
      digests: [{ algorithm: 'sha256', hex: '6'.repeat(64) }],
    },
    'packages/ab/cd/demo_pkg-1.0.tar.gz': {
      version: 'demo-pkg==1.0',
      publishedAt: '2024-05-06T07:08:09.123456Z',
      digests: [{ algorithm: 'sha256', hex: '7'.repeat(64) }],
    },
  });
});

test('an HTML page gives digests from #sha256= fragments and relative links, and no dates', async (t) => {
  const facts = await runInspector(plugin, 'simple', fixture('html-to-html/input.html'), { upstreamBase: 'https://index.example', path: 'simple/demo-pkg/' });
  t.deepEqual(Object.keys(facts).sort(), [
    'packages/12/34/demo_pkg-0.9-py3-none-any.whl',
    'packages/56/78/demo_pkg-0.8.tar.gz',
    'packages/ab/cd/demo_pkg-1.0-py3-none-any.whl',
    'packages/ab/cd/demo_pkg-1.0-py3-none-any.whl.metadata',
  ]);
  t.deepEqual(facts['packages/ab/cd/demo_pkg-1.0-py3-none-any.whl'], { version: 'demo-pkg==1.0', digests: [{ algorithm: 'sha256', hex: '1'.repeat(64) }] });
  t.deepEqual(facts['packages/ab/cd/demo_pkg-1.0-py3-none-any.whl.metadata']?.digests, [{ algorithm: 'sha256', hex: '2'.repeat(64) }]);
  // md5 is not a digest the proxy verifies with
  t.deepEqual(facts['packages/12/34/demo_pkg-0.9-py3-none-any.whl']?.digests, []);
});

test('inspector keys use the same spelling as canonicalPath', async (t) => {
  const facts = await runInspector(plugin, 'simple', fixture('foreign-links-kept/input.html'), { upstreamBase: 'https://index.example', options, path: 'simple/other/' });
  t.deepEqual(Object.keys(facts), [plugin.canonicalPath('packages/cc/dd/other-1.0+local.tar.gz', testContext(plugin, { options }))]);
});
