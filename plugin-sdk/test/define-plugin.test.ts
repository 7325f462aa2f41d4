import test from 'ava';
import { API_VERSION, definePlugin, type HookContext } from '../src/index.js';
import { testContext } from '../src/testkit/index.js';

test('definePlugin fills every optional hook with a default', (t) => {
  const plugin = definePlugin({ type: 'demo', description: 'demo', classify: () => ({ cache: 'immutable' }) });
  const ctx: HookContext = testContext(plugin, { baseUrl: 'https://up.example/base' });
  t.is(plugin.apiVersion, API_VERSION);
  t.is(plugin.upstreamUrl('a/b.tgz', ctx), 'https://up.example/base/a/b.tgz');
  t.deepEqual(plugin.upstreamHeaders('a', ctx), {});
  t.is(plugin.canonicalPath('A/%2f/b', ctx), 'A/%2f/b');
  t.deepEqual(plugin.negotiate('a', { accept: 'application/json' }, ctx), { variant: 'default' });
  t.is(plugin.indexOf('a', ctx), undefined);
  t.deepEqual(plugin.rewriters, {});
  t.deepEqual(plugin.inspectors, {});
  t.true(Object.isFrozen(plugin));
});

test('definePlugin refuses a bad type name or a missing classify when the plugin loads', (t) => {
  t.throws(() => definePlugin({ type: 'Bad Type', description: '', classify: () => ({ cache: 'deny' }) }), { message: /plugin\.type must match/ });
  t.throws(() => definePlugin({ type: 'ok', description: '' } as never), { message: /classify must be a function/ });
});

test('definePlugin keeps apiVersion 2 hooks and checks their shape', (t) => {
  const routes = () => {};
  const plugin = definePlugin({
    type: 'demo',
    description: 'demo',
    classify: () => ({ cache: 'immutable' }),
    options: { properties: { files_url: { type: 'string' } } },
    routes,
  });
  t.is(plugin.routes, routes);
  t.deepEqual(plugin.options, { properties: { files_url: { type: 'string' } } });
  t.is(plugin.upstreamAuth, undefined, 'a missing hook stays absent: the core fills its default');
  t.throws(() => definePlugin({ type: 'x', description: '', classify: () => ({ cache: 'deny' }), options: {} as never }), { message: /options must be a JSON schema/ });
  t.throws(() => definePlugin({ type: 'x', description: '', classify: () => ({ cache: 'deny' }), upstreamAuth: { scope: () => 'a' } as never }), {
    message: /upstreamAuth must have scope\(\) and authenticate\(\)/,
  });
});

test('definePlugin keeps hotReads and refuses them without routes or with a bad shape', (t) => {
  const routes = () => {};
  const resolve = () => undefined;
  const plugin = definePlugin({ type: 'demo', description: '', classify: () => ({ cache: 'immutable' }), routes, hotReads: { prefix: '/v9/', resolve } });
  t.deepEqual(plugin.hotReads, { prefix: '/v9/', resolve });
  t.true(Object.isFrozen(plugin.hotReads));
  const base = { type: 'x', description: '', classify: () => ({ cache: 'deny' as const }) };
  t.throws(() => definePlugin({ ...base, hotReads: { prefix: '/v9/', resolve } }), { message: /hotReads needs routes/ });
  t.throws(() => definePlugin({ ...base, routes, hotReads: { prefix: 'v9', resolve } }), { message: /prefix starting with "\/"/ });
  t.throws(() => definePlugin({ ...base, routes, hotReads: { prefix: '/v9/' } as never }), { message: /resolve\(\) function/ });
});
