import { assertOutage, outageUnderLoad } from './helpers/outage-under-load.js';
import { privateBackendsTest } from './helpers/private-backends.js';

const test = await privateBackendsTest();

test('PostgreSQL stopped and started under 50 clients: memory-tier hits go on, misses are 503 AAPI_ERR_METADATA_UNAVAILABLE, no corrupt body, served again without a restart', async (t) => {
  const run = await outageUnderLoad(t, 'metadata', (b) => b.postgres);
  await assertOutage(
    t,
    run,
    // Entries already in the memory tier need no lookup, and their blobs are in S3, which is up.
    { hot: ['ok'], big: ['ok'], cold: ['503 AAPI_ERR_METADATA_UNAVAILABLE'] },
    ['503 AAPI_ERR_METADATA_UNAVAILABLE'],
  );
});
