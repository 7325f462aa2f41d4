// Starts s3rver (a real S3 API over HTTP, objects kept in a directory) in its own process, as
// the S3 of the distributed target. Its own process so that its CPU and memory are not the
// bench's; it exits when its stdin closes, so a bench that dies never leaves it behind.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { KEEP_DIRECTORIES } from '../../core/dist/test/helpers/s3rver.js';
import { track, trackDir, stop } from './cleanup.js';

const require = createRequire(import.meta.url);

const CHILD = `
const S3rver = require(process.argv[1]);
${KEEP_DIRECTORIES}
const [, , directory, bucket] = process.argv;
const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, configureBuckets: [{ name: bucket }] });
server.run().then(
  (address) => process.stdout.write(JSON.stringify({ port: address.port }) + '\\n'),
  (err) => {
    process.stderr.write(String((err && err.stack) || err) + '\\n');
    process.exit(1);
  },
);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

/**
 * Starts s3rver on 127.0.0.1 with `bucket` created; resolves once it listens. Returns
 * { endpoint, port, bucket, accessKeyId, secretAccessKey, pid, stop() }; stop() also removes
 * its objects.
 */
export async function startS3rver({ bucket = 'artifactapi-bench' } = {}) {
  const dir = trackDir(mkdtempSync(join(tmpdir(), 'bench-s3rver-')));
  const child = track(
    spawn(process.execPath, ['-e', CHILD, require.resolve('s3rver'), dir, bucket], { stdio: ['pipe', 'pipe', 'inherit'] }),
  );
  const port = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve(JSON.parse(line).port));
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code} before listening`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    bucket,
    // s3rver accepts only these fixed credentials.
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    pid: child.pid,
    async stop() {
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
