import { Redis } from 'ioredis';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { deleteKeys, testPrefix } from './helpers/redis-fixture.js';
import { genericRemote, startProxy } from './helpers/proxy.js';
import { redisProbe, serviceGate, testRedisUrl } from './helpers/services.js';

// coordination.key_prefix: deployments sharing one Redis keep apart because every key and channel
// of each starts with its own prefix. Pinned on the machine's Redis through a whole server.

const url = testRedisUrl();
const redis = await serviceGate(`Redis at ${url}`, redisProbe(url));

redis.test("a server's Redis keys start with its coordination.key_prefix, and another deployment's prefix does not see them", async (t) => {
  const upstream = await startUpstream();
  t.teardown(() => upstream.close());
  const admin = new Redis(url);
  const [mine, theirs] = [testPrefix(), testPrefix()];
  t.teardown(async () => {
    await deleteKeys(admin, mine);
    await deleteKeys(admin, theirs);
    await admin.quit();
  });
  const proxy = await startProxy(t, `coordination: { type: redis, url: "${url}", key_prefix: "${mine}" }\n${genericRemote(upstream.url)}`);
  // An upstream 404 is remembered in Redis for cache.negative_ttl (30 s by default).
  t.is((await fetch(`${proxy.url}/api/v1/remote/up/missing-1.0.tgz`)).status, 404);
  const remembered = await admin.keys(`${mine}*`);
  t.true(remembered.some((key) => key.startsWith(`${mine}ttl:missing:`)), remembered.join(' '));
  t.deepEqual(await admin.keys(`${theirs}*`), []);

  // A second deployment on the same Redis asks the upstream itself: it does not share the first's memory.
  const other = await startProxy(t, `coordination: { type: redis, url: "${url}", key_prefix: "${theirs}" }\n${genericRemote(upstream.url)}`);
  t.is((await fetch(`${other.url}/api/v1/remote/up/missing-1.0.tgz`)).status, 404);
  t.is(upstream.hits('/missing-1.0.tgz', 'GET'), 2);
  t.true((await admin.keys(`${theirs}ttl:missing:*`)).length > 0);
});
