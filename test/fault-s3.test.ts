import { assertOutage, outageUnderLoad } from './helpers/outage-under-load.js';
import { privateBackendsTest } from './helpers/private-backends.js';

const test = await privateBackendsTest();

test('S3 stopped and started under 50 clients: hits from the memory and disk tiers go on, misses are served whole from the upstream and not stored, no corrupt or cut body, served again without a restart', async (t) => {
  // More misses during the outage than the upstream pool has sockets (64 per host): a miss that
  // fails must give its upstream connection back, or the misses after the outage wait forever.
  const run = await outageUnderLoad(t, 'storage', (b) => b.s3, { answersDuring: 80 });
  await assertOutage(
    t,
    run,
    // Small blobs' bytes are in the memory tier, larger ones this replica fetched have a copy in its
    // disk tier (core's outage-s3.test.ts: one it never held is a 503). A miss's clients follow its
    // local spool, so a miss goes on without S3, streaming when S3 stops included.
    { hot: ['ok'], big: ['ok'], cold: ['ok'] },
    [],
  );
});
