import { randomBytes } from 'node:crypto';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { hashedGet } from '@artifactapi/core/testing/hashed-get';
import { concurrentGets, judge, judgements, type KnownArtifact } from './helpers/client-load.js';
import { privateBackends, privateBackendsTest } from './helpers/private-backends.js';
import { waitUntilReplicaWaits } from './helpers/replica-waits.js';
import { startServe } from './helpers/serve-process.js';
import { streamedArtifact } from './helpers/streamed-artifact.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';

const test = await privateBackendsTest();

const MiB = 1024 * 1024;
const ON_LEADER = 10;
const ON_OTHER = 40;

// test/multi-replica.test.ts kills a leader with one client while the other replica waits; this
// one puts 50 clients on both replicas, followers of the leader in its own process included, and
// checks the bucket behind every metadata row.
test('leader replica SIGKILLed mid-download under 50 clients: the other replica fetches once more, its 40 followers get the whole body, the leader\'s 10 clients a cut one, no row without its blob', async (t) => {
  const backends = await privateBackends(t);
  const artifact: KnownArtifact = { kind: 'big', path: '/big.bin', body: randomBytes(20 * MiB) };
  // The upstream stops after 6 MiB and waits: the leader stays mid-download until it is killed.
  const streamed = streamedArtifact(artifact.body, { intervalMs: 20, holdAt: 6 * MiB });
  const upstream = await startUpstream({ handlers: { [artifact.path]: streamed.handler } });
  t.teardown(() => upstream.close());
  const repo = `fk${randomBytes(4).toString('hex')}`;
  const config = await writeConfig(
    await tempDir(t),
    `${backends.yaml}
log: { level: warn }
remotes:
  ${repo}: { type: remote, package: generic, base_url: ${upstream.url} }
`,
  );
  const [leader, other] = await Promise.all([startServe(t, { config }), startServe(t, { config })]);
  const url = (replica: { url: string }) => `${replica.url}/api/v1/remote/${repo}${artifact.path}`;
  const logs = () => `--- leader\n${leader.stdout()}${leader.stderr()}\n--- other\n${other.stdout()}${other.stderr()}`;

  // Every client of the leader has bytes of the body before the kill: it is mid-download for all.
  const onLeader = concurrentGets(ON_LEADER, url(leader));
  await streamed.whenSent(6 * MiB);
  await onLeader.streaming;
  t.is(upstream.hits(artifact.path, 'GET'), 1, 'one fetch for the leader and its followers');
  const onOther = Array.from({ length: ON_OTHER }, () => hashedGet(url(other)));
  await waitUntilReplicaWaits(backends.redis.url, repo);

  await leader.stop('SIGKILL');
  // The take-over download runs at full speed.
  streamed.holdAt = undefined;
  streamed.intervalMs = 0;
  streamed.release();
  const leaderClients = await onLeader.answers;
  const followers = await Promise.all(onOther);

  t.deepEqual(judgements(leaderClients, artifact), ['cut'], 'the killed replica\'s clients saw the body break off, every byte right');
  t.is(upstream.hits(artifact.path, 'GET'), 2, `the surviving replica fetched exactly once more\n${logs()}`);
  t.deepEqual(judgements(followers, artifact), ['ok'], `every follower got the whole body\n${logs()}`);
  t.deepEqual([...new Set(followers.map((r) => r.headers['x-artifact-cache']))], ['MISS'], 'all were served by the take-over download');

  const rows = await backends.query<{ path: string; size: string }>('SELECT path, size FROM entries WHERE repo = $1', [repo]);
  t.deepEqual(rows.map((r) => [r.path, Number(r.size)]), [[artifact.path.slice(1), artifact.body.byteLength]]);
  t.deepEqual(await backends.rowsWithoutBlob(), [], 'the row points at the whole blob in S3');
  t.is(judge(await hashedGet(url(other)), artifact), 'ok', 'and a later request is served from it');
  t.is(upstream.hits(artifact.path, 'GET'), 2);
});
