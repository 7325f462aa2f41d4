import test from 'ava';
import { testContext } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';

const ctx = testContext(plugin);
const variant = (accept: string | undefined) => plugin.negotiate('lodash', { accept }, ctx).variant;

test('a client ranking the corgi type at least as high as JSON (npm, pnpm and yarn do) gets the abbreviated document', (t) => {
  t.is(variant('application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*'), 'abbreviated');
  t.is(variant('application/vnd.npm.install-v1+json'), 'abbreviated');
  t.is(variant('Application/Vnd.Npm.Install-V1+Json;q=0.9, application/json;q=0.9'), 'abbreviated');
});

test('plain JSON, wildcards, no Accept, or a corgi ranked below JSON get the full document', (t) => {
  t.is(variant(undefined), 'full');
  t.is(variant('application/json'), 'full');
  t.is(variant('*/*'), 'full');
  t.is(variant('application/*'), 'full');
  t.is(variant('application/json, application/vnd.npm.install-v1+json; q=0.5'), 'full');
  t.is(variant('application/vnd.npm.install-v1+json; q=0'), 'full');
});
