import test from 'ava';
import { Readable } from 'node:stream';
import type { PluginDefinition } from '@artifactapi/plugin-sdk';
import { engineReplicas, servedText } from './helpers/engine-replicas.js';

// A virtual repository whose plugin has a merger for an index kind merges every member's
// document in the worker pool, in member order; artifacts still come from the first member.

const TASKS = new URL('../../test/fixtures/tasks/list-tasks.js', import.meta.url).href;

const listy: PluginDefinition = {
  type: 'listy',
  description: 'test: list.json is an index merged across members',
  classify: (path) => (path === 'list.json' ? { cache: 'mutable', index: 'list' } : { cache: 'immutable' }),
  rewriters: { list: { module: TASKS, export: 'identity' } },
  mergers: { list: { module: TASKS, export: 'mergeLists' } },
};

test('list.json is merged from every member that has it; a plain file comes from the first member', async (t) => {
  const [a] = await engineReplicas(
    t,
    `remotes:
  one: { type: local, package: listy }
  two: { type: local, package: listy }
  three: { type: local, package: listy }
virtuals:
  all: { package: listy, members: [two, one, three] }
`,
    [listy],
  );
  const put = (repo: string, path: string, body: string) => a.service.put(repo, path, Readable.from([Buffer.from(body)]));
  await put('one', 'list.json', '["left-pad","lodash"]');
  await put('two', 'list.json', '["lodash","react"]');
  await put('one', 'file.bin', 'from one');
  await put('two', 'file.bin', 'from two');

  const all = a.service.resolve('all')!;
  const merged = await a.service.get(all, 'list.json', { publicBase: () => 'http://proxy/api/v1/virtual/all' });
  t.is(merged.member, undefined, 'a merged document comes from no single member');
  t.deepEqual(JSON.parse(await servedText(merged)), { repo: 'all', variant: 'default', names: ['lodash@two', 'react@two', 'left-pad@one'] });
  const file = await a.service.get(all, 'file.bin');
  t.is(file.member, 'two');
  t.is(await servedText(file), 'from two');
});
