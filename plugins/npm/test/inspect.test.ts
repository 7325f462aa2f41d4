import { createHash } from 'node:crypto';
import test from 'ava';
import { runInspector, testContext } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';
import { packumentFixture } from './rewrite-case.js';

test('each version gives its tarball path, sha512 and sha1 digests in hex, publish time and name@version', async (t) => {
  const facts = await runInspector(plugin, 'packument', await packumentFixture('widget.json'), { path: '@demo%2fwidget' });
  t.deepEqual(Object.keys(facts), [
    '@demo/widget/-/widget-1.0.0.tgz',
    '@demo/widget/-/widget-1.1.0.tgz',
    '@demo/widget/-/widget-2.0.0-beta.1.tgz',
    '@demo/widget/-/widget-2.0.0.tgz',
  ]);
  // The fixture's tarball bytes are the text "tarball of <version>".
  const bytes = Buffer.from('tarball of 2.0.0');
  t.deepEqual(facts['@demo/widget/-/widget-2.0.0.tgz'], {
    version: '@demo/widget@2.0.0',
    publishedAt: '2024-06-10T12:00:00.000Z',
    digests: [
      { algorithm: 'sha512', hex: createHash('sha512').update(bytes).digest('hex') },
      { algorithm: 'sha1', hex: createHash('sha1').update(bytes).digest('hex') },
    ],
  });
});

test('SRI lists with several algorithms are all read, malformed entries skipped, a missing time left out', async (t) => {
  const facts = await runInspector(plugin, 'packument', await packumentFixture('tiny.json'), { path: 'tiny' });
  const empty = Buffer.alloc(0);
  t.deepEqual(facts['tiny/-/tiny-0.1.0.tgz'], { version: 'tiny@0.1.0', digests: [{ algorithm: 'sha1', hex: '0123456789abcdef0123456789abcdef01234567' }] });
  t.deepEqual(facts['tiny/-/tiny-0.2.0.tgz']?.digests, [
    { algorithm: 'sha256', hex: createHash('sha256').update(empty).digest('hex') },
    { algorithm: 'sha1', hex: createHash('sha1').update(empty).digest('hex') },
  ]);
  // No dist.tarball: the conventional file name; the bad sha512 is not trusted.
  t.deepEqual(facts['tiny/-/tiny-0.3.0.tgz'], { version: 'tiny@0.3.0', digests: [], publishedAt: '2099-01-01T00:00:00.000Z' });
});

test('indexOf maps each inspected tarball path back to its packument', async (t) => {
  const ctx = testContext(plugin);
  const facts = await runInspector(plugin, 'packument', await packumentFixture('widget.json'), { path: '@demo%2fwidget' });
  for (const path of Object.keys(facts)) {
    t.deepEqual(plugin.indexOf(path, ctx), { path: '@demo%2fwidget', index: 'packument' }, path);
    t.like(plugin.classify(path, ctx), { cache: 'immutable' }, path);
  }
  t.deepEqual(plugin.indexOf('tiny/-/tiny-0.1.0.tgz', ctx), { path: 'tiny', index: 'packument' });
  t.is(plugin.indexOf('tiny', ctx), undefined);
});
