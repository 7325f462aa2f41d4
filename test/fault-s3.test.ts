import { assertOutage, outageUnderLoad } from './helpers/outage-under-load.js';
import { privateBackendsTest } from './helpers/private-backends.js';

const test = await privateBackendsTest();

test('S3 stopped and started under 50 clients: memory-tier hits go on, blob reads and misses are 503 AAPI_ERR_STORAGE_UNAVAILABLE, no corrupt body, served again without a restart', async (t) => {
  // More misses during the outage than the upstream pool has sockets (64 per host): a miss that
  // fails must give its upstream connection back, or the misses after the outage wait forever.
  const run = await outageUnderLoad(t, 'storage', (b) => b.s3, { answersDuring: 80 });
  await assertOutage(
    t,
    run,
    // Small blobs' bytes are in the memory tier; a larger one is read from S3, a miss is written to it.
    { hot: ['ok'], big: ['503 AAPI_ERR_STORAGE_UNAVAILABLE'], cold: ['503 AAPI_ERR_STORAGE_UNAVAILABLE'] },
    // A big body being read from S3 when it stops is cut off.
    ['503 AAPI_ERR_STORAGE_UNAVAILABLE', 'cut'],
  );
});
