import test from 'ava';
import { testContext } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';

const ctx = testContext(plugin);
const canonical = (path: string) => plugin.canonicalPath(path, ctx);

test('scoped packuments in every spelling become @scope%2fname, the form the registry accepts', (t) => {
  for (const spelling of ['@scope%2fname', '@scope%2Fname', '@scope/name', '@scope/name/', '%40scope%2fname', '%40scope/name']) {
    t.is(canonical(spelling), '@scope%2fname', spelling);
  }
});

test('paths below a scoped name keep a literal slash', (t) => {
  t.is(canonical('@scope/name/-/name-1.2.3.tgz'), '@scope/name/-/name-1.2.3.tgz');
  t.is(canonical('@scope%2fname/-/name-1.2.3.tgz'), '@scope/name/-/name-1.2.3.tgz');
  t.is(canonical('@scope%2Fname/1.2.3'), '@scope/name/1.2.3');
});

test('unscoped names and registry endpoints are left alone, apart from a trailing slash on a packument', (t) => {
  t.is(canonical('lodash'), 'lodash');
  t.is(canonical('lodash/'), 'lodash');
  t.is(canonical('lodash/-/lodash-4.17.21.tgz'), 'lodash/-/lodash-4.17.21.tgz');
  t.is(canonical('-/npm/v1/keys'), '-/npm/v1/keys');
  t.is(canonical('@scope'), '@scope');
});

test('the full document is requested upstream for packuments only', (t) => {
  t.deepEqual(plugin.upstreamHeaders('@scope%2fname', ctx), { accept: 'application/json' });
  t.deepEqual(plugin.upstreamHeaders('lodash', ctx), { accept: 'application/json' });
  t.deepEqual(plugin.upstreamHeaders('lodash/-/lodash-4.17.21.tgz', ctx), {});
  t.is(plugin.upstreamUrl('@scope%2fname', ctx), 'https://upstream.invalid/@scope%2fname');
});
