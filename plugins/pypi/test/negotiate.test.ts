import test from 'ava';
import { testContext } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';

const ctx = testContext(plugin);
const variant = (accept?: string, path = 'simple/x/') => plugin.negotiate(path, accept === undefined ? {} : { accept }, ctx).variant;

test("pip's Accept gets PEP 691 JSON", (t) => {
  t.is(variant('application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01'), 'json');
  t.is(variant('application/vnd.pypi.simple.latest+json'), 'json');
});

test('HTML clients get the HTML type they asked for', (t) => {
  t.is(variant('application/vnd.pypi.simple.v1+html'), 'v1-html');
  t.is(variant('text/html'), 'html');
  t.is(variant('application/vnd.pypi.simple.v1+json;q=0.5, text/html'), 'html');
  t.is(variant('application/vnd.pypi.simple.v1+json;q=0, */*'), 'html');
});

test('no Accept, a wildcard or nothing offered falls back to text/html', (t) => {
  t.is(variant(), 'html');
  t.is(variant('*/*'), 'html');
  t.is(variant('application/xml'), 'html');
});

test('the root list negotiates too; the JSON API has one form', (t) => {
  t.is(variant('application/vnd.pypi.simple.v1+json', 'simple/'), 'json');
  t.is(variant('application/json', 'pypi/x/json'), 'default');
});
