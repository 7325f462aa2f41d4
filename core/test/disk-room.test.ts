import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { knownRoomFor } from '../src/engine/disk-room.js';

// A miss's clients get its first chunk from memory only where the disk is known to have room
// (src/engine/disk-room.ts); test/fault-disk-full.test.ts covers the full disk end to end.

test('room is unknown until the file system was read, then known from memory, and never beyond what is free', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'aapi-room-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'download.tmp');
  t.false(knownRoomFor(file, 4096), 'no reading yet: room unknown');
  await sleep(200);
  t.true(knownRoomFor(file, 4096));
  t.false(knownRoomFor(file, 2 ** 53), 'more than any disk has');
  const unreadable = join(dir, 'missing-dir', 'x');
  knownRoomFor(unreadable, 0);
  await sleep(200);
  t.false(knownRoomFor(unreadable, 0), 'a directory that cannot be read has no known room');
});
