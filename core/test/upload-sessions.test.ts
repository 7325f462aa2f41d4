import test, { type ExecutionContext } from 'ava';
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PluginDefinition } from '@artifactapi/plugin-sdk';
import { blobFiles } from './helpers/data-dir.js';
import { engineReplicas, servedText } from './helpers/engine-replicas.js';

// Upload sessions of local repositories (the SDK's ctx.uploads): chunks appended at the current
// offset, committed against the sha256 of the whole upload, continued on another replica, and
// swept when abandoned.

const layers: PluginDefinition = {
  type: 'layers',
  description: 'test: a type whose local repositories take upload sessions',
  classify: () => ({ cache: 'immutable' }),
  hosted: { uploadSessions: true },
};

const CONFIG = `
remotes:
  store: { type: local, package: layers }
  other: { type: local, package: layers }
  plain: { type: local, package: generic }
`;

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
/** A body of unknown length, in several pieces, as a streamed PATCH sends it. */
const stream = (...parts: string[]) => Readable.from(parts.map((p) => Buffer.from(p)));
const spooled = (dataDir: string) => readdir(join(dataDir, 'uploads')).catch(() => [] as string[]);

async function setup(t: ExecutionContext, options: { uploadIdleMs?: number } = {}) {
  const [a, b] = await engineReplicas(t, CONFIG, [layers], options);
  const read = async (path: string, replica = a) => servedText(await replica.service.get(replica.service.resolve('store')!, path));
  return { a, b, read, uploads: a.service.uploads };
}

test('monolithic: one chunk and a commit store the bytes content-addressed at the named path', async (t) => {
  const { a, read, uploads } = await setup(t);
  const session = await uploads.start('store');
  t.regex(session.id, /^[0-9a-f]{32}$/);
  t.like(session, { repo: 'store', size: 0 });
  t.like(await uploads.append('store', session.id, stream('layer bytes'), { offset: 0, length: 11 }), { size: 11 });
  const stored = await uploads.commit('store', session.id, 'blobs/sha256/x', { sha256: sha256('layer bytes') });
  t.like(stored, { path: 'blobs/sha256/x', size: 11, digest: `sha256:${sha256('layer bytes')}` });
  t.is(await read('blobs/sha256/x'), 'layer bytes');
  t.deepEqual((await blobFiles(join(a.dataDir, 'blobs'))).map((f) => f.name), [sha256('layer bytes')]);
  t.is(await uploads.status('store', session.id), undefined, 'the session ended');
  t.deepEqual(await spooled(a.dataDir), [], 'its spool file went with it');
});

test('chunked in order, streamed without a length; status reports the offset', async (t) => {
  const { read, uploads } = await setup(t);
  const { id } = await uploads.start('store');
  await uploads.append('store', id, stream('one-', 'two-'));
  t.like(await uploads.status('store', id), { size: 8 });
  await uploads.append('store', id, stream('three'), { offset: 8 });
  await uploads.commit('store', id, 'big.bin', { sha256: sha256('one-two-three') });
  t.is(await read('big.bin'), 'one-two-three');
});

test('a chunk that does not start at the current offset is refused and changes nothing', async (t) => {
  const { read, uploads } = await setup(t);
  const { id } = await uploads.start('store');
  await uploads.append('store', id, stream('abc'), { offset: 0 });
  const err = await t.throwsAsync(uploads.append('store', id, stream('XYZ'), { offset: 5 }));
  t.like(err, { code: 'AAPI_ERR_RANGE_NOT_SATISFIABLE', status: 416 });
  await t.throwsAsync(uploads.append('store', id, stream('XYZ'), { offset: 0 }), { code: 'AAPI_ERR_RANGE_NOT_SATISFIABLE' });
  t.like(await uploads.status('store', id), { size: 3 });
  await uploads.append('store', id, stream('def'), { offset: 3 });
  await uploads.commit('store', id, 'f.bin', { sha256: sha256('abcdef') });
  t.is(await read('f.bin'), 'abcdef');
});

test('a chunk shorter than its declared length leaves the session where it was', async (t) => {
  const { uploads } = await setup(t);
  const { id } = await uploads.start('store');
  await t.throwsAsync(uploads.append('store', id, stream('abc'), { length: 10 }), { code: 'AAPI_ERR_REQUEST_INVALID' });
  t.like(await uploads.status('store', id), { size: 0 });
  t.like(await uploads.append('store', id, stream('abc'), { offset: 0, length: 3 }), { size: 3 });
});

test('commit with the wrong digest is refused: nothing stored, the bytes and the session are gone', async (t) => {
  const { a, uploads } = await setup(t);
  const { id } = await uploads.start('store');
  await uploads.append('store', id, stream('real bytes'));
  const err = await t.throwsAsync(uploads.commit('store', id, 'lie.bin', { sha256: sha256('other bytes') }));
  t.like(err, { code: 'AAPI_ERR_CHECKSUM_MISMATCH' });
  await t.throwsAsync(a.service.get(a.service.resolve('store')!, 'lie.bin'), { code: 'AAPI_ERR_NOT_FOUND' });
  t.deepEqual(await blobFiles(join(a.dataDir, 'blobs')), []);
  t.deepEqual(await spooled(a.dataDir), []);
  t.is(await uploads.status('store', id), undefined);
  await t.throwsAsync(uploads.commit('store', id, 'lie.bin', { sha256: sha256('real bytes') }), { code: 'AAPI_ERR_UPLOAD_UNKNOWN' });
});

test('cancel deletes the bytes; the id is then unknown', async (t) => {
  const { a, uploads } = await setup(t);
  const { id } = await uploads.start('store');
  await uploads.append('store', id, stream('doomed'));
  t.true(await uploads.cancel('store', id));
  t.false(await uploads.cancel('store', id));
  t.deepEqual(await spooled(a.dataDir), []);
  await t.throwsAsync(uploads.append('store', id, stream('more')), { code: 'AAPI_ERR_UPLOAD_UNKNOWN', instanceOf: Error });
});

test('ids are per repository, made-up ids are unknown, and types without upload sessions refuse them', async (t) => {
  const { uploads } = await setup(t);
  const { id } = await uploads.start('store');
  t.is(await uploads.status('other', id), undefined);
  await t.throwsAsync(uploads.append('other', id, stream('x')), { code: 'AAPI_ERR_UPLOAD_UNKNOWN' });
  await t.throwsAsync(uploads.append('store', '../../meta.db', stream('x')), { code: 'AAPI_ERR_UPLOAD_UNKNOWN' });
  await t.throwsAsync(uploads.start('plain'), { code: 'AAPI_ERR_METHOD_NOT_ALLOWED' });
  await t.throwsAsync(uploads.start('nope'), { code: 'AAPI_ERR_REPO_NOT_FOUND' });
});

test('an abandoned session expires, and the sweep removes its bytes', async (t) => {
  const { a, uploads } = await setup(t, { uploadIdleMs: 2000 });
  const kept = await uploads.start('store');
  const { id } = await uploads.start('store');
  await uploads.append('store', id, stream('abandoned'));
  t.is((await spooled(a.dataDir)).length, 2);
  await sleep(1200);
  await uploads.append('store', kept.id, stream('alive')); // activity keeps a session
  await sleep(1200);
  t.is(await uploads.status('store', id), undefined);
  t.like(await uploads.status('store', kept.id), { size: 5 });
  t.is(await a.engine.uploads.sweep(), 1);
  t.deepEqual(await spooled(a.dataDir), [kept.id]);
});

test('a session started on one replica is continued and committed on another', async (t) => {
  const { a, b, read } = await setup(t);
  const { id } = await a.service.uploads.start('store');
  await a.service.uploads.append('store', id, stream('from A;'), { offset: 0 });
  t.like(await b.service.uploads.status('store', id), { size: 7 });
  await b.service.uploads.append('store', id, stream('from B'), { offset: 7 });
  await t.throwsAsync(a.service.uploads.append('store', id, stream('late'), { offset: 7 }), { code: 'AAPI_ERR_RANGE_NOT_SATISFIABLE' });
  await b.service.uploads.commit('store', id, 'joint.bin', { sha256: sha256('from A;from B') });
  t.is(await read('joint.bin', a), 'from A;from B', 'replica A sees the entry B recorded');
  t.is(await a.service.uploads.status('store', id), undefined);
});
