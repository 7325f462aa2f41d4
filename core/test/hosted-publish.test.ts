import test from 'ava';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { PluginDefinition } from '@artifactapi/plugin-sdk';
import { taskRef } from '@artifactapi/plugin-sdk';
import { engineReplicas, servedText } from './helpers/engine-replicas.js';

// hosted.publish: the files are stored, then the plugin's publish task turns the current index
// into the new one in the worker pool, and the index is stored as a mutable entry.

const TASKS = new URL('../../test/fixtures/tasks/publish-tasks.js', import.meta.url).href;

const shelves: PluginDefinition = {
  type: 'shelves',
  description: 'test: index.json lists what was published',
  classify: () => ({ cache: 'immutable' }),
  hosted: { publish: { index: taskRef(TASKS, 'publishIndex') } },
};

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const file = (path: string, text: string) => ({ path, body: Readable.from([Buffer.from(text)]), sha256: sha256(text) });

async function setup(t: Parameters<typeof engineReplicas>[0]) {
  const [a, b] = await engineReplicas(t, `remotes:\n  pub: { type: local, package: shelves }\n  plain: { type: local, package: generic }\n`, [shelves]);
  const read = async (path: string, replica = a) => servedText(await replica.service.get(replica.service.resolve('pub')!, path));
  return { a, b, read };
}

test('each publish stores its files and a new index built on the last one, on every replica', async (t) => {
  const { a, b, read } = await setup(t);
  const first = await a.service.publish('pub', { kind: 'index', indexPath: 'index.json', request: json({ name: 'one' }), files: [file('one-1.0.tgz', 'ONE')] });
  t.like(first.index, { path: 'index.json', mutable: true, contentType: 'application/json' });
  t.like(first.files[0], { path: 'one-1.0.tgz', digest: sha256('ONE') });
  await b.service.publish('pub', { kind: 'index', indexPath: 'index.json', request: json({ name: 'two' }), files: [file('two-1.0.tgz', 'TWO')] });
  await new Promise((resolve) => setImmediate(resolve)); // B's invalidation reaches A's memory tier
  t.deepEqual(JSON.parse(await read('index.json', a)), {
    one: [{ path: 'one-1.0.tgz', size: 3, sha256: sha256('ONE'), repo: 'pub' }],
    two: [{ path: 'two-1.0.tgz', size: 3, sha256: sha256('TWO'), repo: 'pub' }],
  });
  t.is(await read('two-1.0.tgz', a), 'TWO');
});

test('publishes of one index on two replicas at once both land (no lost update)', async (t) => {
  const { a, b, read } = await setup(t);
  await Promise.all(
    ['p', 'q', 'r', 's'].map((name, i) =>
      (i % 2 ? a : b).service.publish('pub', { kind: 'index', indexPath: 'index.json', request: json({ name }), files: [file(`${name}.tgz`, name)] }),
    ),
  );
  t.deepEqual(Object.keys(JSON.parse(await read('index.json'))).sort(), ['p', 'q', 'r', 's']);
});

test('a task that throws stores no index and takes back the files it brought', async (t) => {
  const { a, read } = await setup(t);
  await a.service.publish('pub', { kind: 'index', indexPath: 'index.json', request: json({ name: 'kept' }), files: [file('kept.tgz', 'K')] });
  const err = await t.throwsAsync(a.service.publish('pub', { kind: 'index', indexPath: 'index.json', request: json({ fail: true }), files: [file('new.tgz', 'N')] }));
  t.like(err, { code: 'AAPI_ERR_PLUGIN_FAILED' });
  await t.throwsAsync(read('new.tgz'), { code: 'AAPI_ERR_NOT_FOUND' });
  t.deepEqual(Object.keys(JSON.parse(await read('index.json'))), ['kept']);
  await t.throwsAsync(a.service.publish('pub', { kind: 'index', indexPath: 'index.json', request: json({ name: 'x' }), files: [{ ...file('bad.tgz', 'B'), sha256: sha256('other') }] }), {
    code: 'AAPI_ERR_CHECKSUM_MISMATCH',
  });
  await t.throwsAsync(a.service.publish('pub', { kind: 'nope', indexPath: 'index.json', request: json({}) }), { code: 'AAPI_ERR_METHOD_NOT_ALLOWED' });
  await t.throwsAsync(a.service.publish('plain', { kind: 'index', indexPath: 'index.json', request: json({}) }), { code: 'AAPI_ERR_METHOD_NOT_ALLOWED' });
});
