import test from 'ava';
import { definePlugin } from '../src/index.js';
import { checkClassifications, rewriteContext, runRewriter, startUpstream } from '../src/testkit/index.js';

const plugin = definePlugin({
  type: 'demo',
  description: 'demo',
  classify: (path) => (path.endsWith('/') ? { cache: 'mutable', index: 'listing' } : { cache: 'immutable' }),
  rewriters: { listing: { module: new URL('./fixtures/upper-task.js', import.meta.url).href, export: 'upper' } },
});

test('checkClassifications returns exactly the rows the classifier disagrees with', (t) => {
  const mismatches = checkClassifications(plugin, [
    { path: 'dir/', cache: 'mutable', index: 'listing' },
    { path: 'file.tgz', cache: 'immutable' },
    { path: 'other.tgz', cache: 'mutable' },
  ]);
  t.deepEqual(mismatches.map((m) => m.path), ['other.tgz']);
  t.deepEqual(mismatches[0]!.actual, { cache: 'immutable', index: undefined });
});

test('runRewriter calls the task module as the worker pool would', async (t) => {
  const result = await runRewriter(plugin, 'listing', 'abc', { publicBase: 'http://p' });
  t.is(new TextDecoder().decode(result.body), 'ABC http://p');
  t.is(rewriteContext().variant, 'default');
  await t.throwsAsync(runRewriter(plugin, 'nope', ''), { message: /no rewriter for index kind "nope"/ });
});

test('the throwaway upstream serves files with validators, answers 304, and records requests', async (t) => {
  const upstream = await startUpstream({ files: { '/a.txt': 'hello' } });
  t.teardown(() => upstream.close());
  const first = await fetch(`${upstream.url}/a.txt`);
  t.is(await first.text(), 'hello');
  const etag = first.headers.get('etag');
  t.truthy(etag);
  const again = await fetch(`${upstream.url}/a.txt`, { headers: { 'if-none-match': etag! } });
  t.is(again.status, 304);
  t.is((await fetch(`${upstream.url}/missing`)).status, 404);
  upstream.setFile('/a.txt', 'changed');
  t.is(await (await fetch(`${upstream.url}/a.txt`)).text(), 'changed');
  t.is(upstream.hits('/a.txt', 'GET'), 3);
});
