import test from 'ava';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashFile, WorkerPool } from '../src/workers/index.js';

test('the pool hashes a file in a worker thread with the same result as inline hashing', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'aapi-pool-'));
  const pool = new WorkerPool({ size: 2 });
  t.teardown(async () => {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  });
  const bytes = randomBytes(3 * 1024 * 1024 + 17);
  const path = join(dir, 'blob');
  await writeFile(path, bytes);
  const expected = createHash('sha256').update(bytes).digest('hex');
  const sha512 = createHash('sha512').update(bytes).digest('hex');

  const pooled = await pool.hashFile({ path, algorithms: ['sha512'] });
  t.deepEqual(pooled, { size: bytes.length, digests: { sha256: expected, sha512 } });
  t.deepEqual(await hashFile({ path, algorithms: ['sha512'] }), pooled);
  t.true(pool.threads >= 1);
});

test('a task export that does not exist is an error, and the pool keeps working', async (t) => {
  const pool = new WorkerPool({ size: 1 });
  t.teardown(() => pool.close());
  const task = { module: new URL('../src/workers/tasks/hash-file.js', import.meta.url).href, export: 'nope' };
  await t.throwsAsync(pool.run(task, {}), { message: /is not a function/ });
  const missing = await pool.hashFile({ path: '/nonexistent/file' }).catch((err: Error) => err);
  t.true(missing instanceof Error);
  t.is((await pool.hashFile({ path: new URL(import.meta.url).pathname })).size > 0, true);
});
