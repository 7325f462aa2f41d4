import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { genericRemote, startProxy } from './helpers/proxy.js';
import { serviceGate } from './helpers/services.js';
import { mountTmpfs, tmpfsProbe } from './helpers/tmpfs.js';

const MiB = 1024 * 1024;

// A real full disk needs a small file system of our own: a tmpfs, which root may mount.
const tmpfs = await serviceGate('mount -t tmpfs (root)', tmpfsProbe);

interface Health {
  status: string;
  disks: { path: string; ok: boolean; free_bytes?: number; error?: string }[];
}

tmpfs.test('/health says degraded, naming the data directory, while its disk is full, and ok again once there is room', async (t) => {
  const upstream = await startUpstream({ files: { '/f.bin': 'x' } });
  t.teardown(() => upstream.close());
  const disk = await mountTmpfs(await mkdtemp(join(tmpdir(), 'aapi-health-disk-')), 4 * MiB);
  const dataDir = disk.dir;
  let closeProxy: () => Promise<void> = async () => {};
  t.teardown(async () => {
    await closeProxy();
    await disk.release();
  });
  const proxy = await startProxy(t, genericRemote(upstream.url), { dataDir });
  closeProxy = proxy.close;

  const before = (await (await fetch(`${proxy.url}/health`)).json()) as Health;
  t.is(before.status, 'ok');
  t.deepEqual(before.disks.map((d) => [d.path, d.ok]), [[dataDir, true]]);

  // Fill the disk up to its last few KiB.
  const filler = join(dataDir, 'filler');
  await writeFile(filler, Buffer.alloc(4 * MiB)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOSPC') throw err;
  });
  const full = await fetch(`${proxy.url}/health`);
  t.is(full.status, 200, 'hits are still served: degraded, not unavailable');
  const during = (await full.json()) as Health;
  t.is(during.status, 'degraded');
  t.false(during.disks[0]?.ok);
  t.regex(during.disks[0]?.error ?? '', /bytes free: downloads and uploads will fail/);

  await rm(filler);
  const after = (await (await fetch(`${proxy.url}/health`)).json()) as Health;
  t.is(after.status, 'ok');
});
