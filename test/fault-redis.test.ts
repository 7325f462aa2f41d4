import { assertOutage, outageUnderLoad } from './helpers/outage-under-load.js';
import { privateBackendsTest } from './helpers/private-backends.js';

const test = await privateBackendsTest();

test('Redis stopped and started under 50 clients: everything is still served (single flight per process), no corrupt body, coordination back without a restart', async (t) => {
  const run = await outageUnderLoad(t, 'coordination', (b) => b.redis);
  // Coordination is an optimisation for replicas: without it a replica serves hits and misses alike.
  await assertOutage(t, run, { hot: ['ok'], big: ['ok'], cold: ['ok'] }, []);
});
