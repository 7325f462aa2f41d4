import test from 'ava';
import { createHash } from 'node:crypto';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { pacedHandler, patternBody } from './helpers/paced-body.js';
import { rawGet, type RawGetResult } from './helpers/raw-get.js';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function serveSlowFile(t: Parameters<typeof tempDir>[0], shutdownTimeout: number, chunks: number) {
  const body = patternBody(640 * 1024);
  const upstream = await startUpstream({ handlers: { '/slow.bin': pacedHandler(body, chunks, 100) } });
  t.teardown(() => upstream.close());
  const config = await writeConfig(
    await tempDir(t),
    `
server: { shutdown_timeout: ${shutdownTimeout} }
log: { level: info }
remotes:
  up:
    type: remote
    package: generic
    base_url: ${upstream.url}
`,
  );
  const proc = await startServe(t, { config });
  return { body, upstream, proc };
}

test.serial('SIGTERM mid-transfer: the transfer completes, new connections are turned away, exit 0', async (t) => {
  // 20 chunks 100 ms apart: the upstream needs about 2 s for the whole body.
  const { body, proc } = await serveSlowFile(t, 30, 20);
  let signalledAt = 0;
  const download = rawGet(`${proc.url}/api/v1/remote/up/slow.bin`, {
    onFirstBytes: () => {
      signalledAt = Date.now();
      proc.child.kill('SIGTERM');
    },
  });

  await proc.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('shutting down'));
  // Asked while the first transfer is still running (its upstream needs ~2 s).
  const during = await rawGet(`${proc.url}/health`);
  const result = await download;
  const exit = await proc.exited;
  const exitAfterMs = Date.now() - signalledAt;

  t.true(result.complete, `the body in flight was cut short: ${result.error?.message}`);
  t.is(result.status, 200);
  t.is(result.body.length, body.length);
  t.is(sha256(result.body), sha256(body));
  t.true(
    during.error?.code === 'ECONNREFUSED' || during.status === 503,
    `a request during shutdown got ${during.status ?? during.error?.code}`,
  );
  t.is(exit.code, 0, proc.stdout() + proc.stderr());
  t.true(exitAfterMs < 30_000, `exited ${exitAfterMs} ms after SIGTERM; the bound is 30 s`);
  t.truthy(proc.logLines().find((l) => l.msg === 'stopped'));
});

test.serial('SIGTERM with a transfer longer than shutdown_timeout: connections are closed at the bound and the process exits 0', async (t) => {
  // 200 chunks 100 ms apart: about 20 s of transfer against a 1 s bound.
  const { body, proc } = await serveSlowFile(t, 1, 200);
  let signalledAt = 0;
  const download: Promise<RawGetResult> = rawGet(`${proc.url}/api/v1/remote/up/slow.bin`, {
    onFirstBytes: () => {
      signalledAt = Date.now();
      proc.child.kill('SIGTERM');
    },
  });
  const exit = await proc.exited;
  const exitAfterMs = Date.now() - signalledAt;
  const result = await download;

  t.is(exit.code, 0, proc.stdout() + proc.stderr());
  // Generous for a loaded machine, yet well short of the ~20 s the transfer would need.
  t.true(exitAfterMs < 10_000, `exited ${exitAfterMs} ms after SIGTERM with a 1 s bound`);
  t.false(result.complete);
  t.true(result.body.length < body.length);
  t.truthy(proc.logLines().find((l) => typeof l.msg === 'string' && l.msg.includes('shutdown bound')));
});
