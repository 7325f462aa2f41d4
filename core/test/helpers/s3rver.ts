import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** A running s3rver (a real S3 API over HTTP, objects in a directory) in a child process. */
export interface S3rverInstance {
  /** `http://127.0.0.1:<port>`; use path-style addressing. */
  readonly endpoint: string;
  readonly port: number;
  /** Created at start (kept when the directory already holds it). */
  readonly bucket: string;
  /** Where s3rver keeps its objects. */
  readonly directory: string;
  /** s3rver's fixed credentials. */
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Kills the server and waits for it to exit; the directory and its objects stay (for a restart). */
  stop(): Promise<void>;
  /** Stops the server and removes its directory (unless the caller passed one in). */
  close(): Promise<void>;
}

export interface S3rverOptions {
  /** 0 (default) picks a free port; pass an earlier instance's port to restart it in place. */
  port?: number;
  /** Reuse a directory (e.g. an earlier instance's); a fresh temp dir by default. */
  directory?: string;
  bucket?: string;
}

const require = createRequire(import.meta.url);

/**
 * Run in an s3rver process after `S3rver = require(<its main module>)`. s3rver keeps each key in
 * directories and removes a directory once its last object is deleted; a PUT under the same
 * directory at that moment opens its file in a directory that is gone, and the unhandled error
 * ends the server (two fault tests lost theirs when temporary uploads and deletes met under `tmp/`).
 * S3 has no directories, so deletes here leave them: an empty one lists nothing.
 */
export const KEEP_DIRECTORIES = `
{
  const { join, dirname } = require('node:path');
  const { unlink } = require('node:fs/promises');
  const FilesystemStore = require(join(dirname(process.argv[1]), 'stores', 'filesystem.js'));
  FilesystemStore.prototype.deleteObject = async function (bucket, key) {
    for (const kind of ['object', 'object.md5', 'metadata.json']) {
      await unlink(this.getResourcePath(bucket, key, kind)).catch((err) => {
        if (err.code !== 'ENOENT') throw err;
      });
    }
  };
}
`;

// The server runs in its own process so that its buffers do not count in the test's memory
// figures, and so that stopping it is a real outage (refused connections), not a paused handler.
// It exits when its stdin closes, so a crashed test process never leaves it behind.
const CHILD = `
const S3rver = require(process.argv[1]);
${KEEP_DIRECTORIES}
const [, , directory, port, bucket] = process.argv;
const server = new S3rver({ address: '127.0.0.1', port: Number(port), directory, silent: true, configureBuckets: [{ name: bucket }] });
server.run().then((address) => {
  process.stdout.write(JSON.stringify({ port: address.port }) + '\\n');
}, (err) => {
  process.stderr.write(String(err && err.stack || err) + '\\n');
  process.exit(1);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

/** Starts s3rver on 127.0.0.1 and resolves once it listens and the bucket exists. */
export async function startS3rver(options: S3rverOptions = {}): Promise<S3rverInstance> {
  const ownsDirectory = options.directory === undefined;
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'aapi-s3rver-')));
  const bucket = options.bucket ?? 'artifactapi-test';
  if (!ownsDirectory) await dropTornObjects(directory);
  const child = spawn(process.execPath, ['-e', CHILD, require.resolve('s3rver'), directory, String(options.port ?? 0), bucket], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let port: number;
  try {
    port = await readPort(child);
  } catch (err) {
    await kill(child);
    if (ownsDirectory) await rm(directory, { recursive: true, force: true });
    throw err;
  }
  const stop = (): Promise<void> => kill(child);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    bucket,
    directory,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    stop,
    close: async () => {
      await stop();
      if (ownsDirectory) await rm(directory, { recursive: true, force: true });
    },
  };
}

async function readPort(child: ChildProcess): Promise<number> {
  if (!child.stdout) throw new Error('s3rver child has no stdout');
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`s3rver exited with code ${String(code)} before listening`);
  });
  try {
    const first = (async () => {
      for await (const line of lines) return (JSON.parse(line) as { port: number }).port;
      throw new Error('s3rver closed its output before listening');
    })();
    return await Promise.race([first, exited]);
  } finally {
    exited.catch(() => undefined);
    lines.close();
  }
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

/**
 * The `storage:` block of a config file for the bucket of `s3` (path-style, s3rver's region), one
 * line per key, ending in a newline; `extra` adds keys such as `prefix`.
 */
export function s3StorageYaml(
  s3: Pick<S3rverInstance, 'bucket' | 'endpoint' | 'accessKeyId' | 'secretAccessKey'>,
  extra: Record<string, string> = {},
): string {
  const keys = {
    type: 's3',
    bucket: s3.bucket,
    endpoint: s3.endpoint,
    region: 'us-east-1',
    access_key_id: s3.accessKeyId,
    secret_access_key: s3.secretAccessKey,
    force_path_style: 'true',
    ...extra,
  };
  return `storage:\n${Object.entries(keys).map(([key, value]) => `  ${key}: ${value}\n`).join('')}`;
}

const METADATA_SUFFIX = '._S3rver_metadata.json';

/**
 * Removes the objects a killed s3rver left half-written. s3rver writes an object's bytes and its
 * metadata file one after the other, so a kill can leave a truncated metadata file, and from then
 * on every listing (which s3rver also runs for HEAD bucket) fails with a 500. Real S3 commits a
 * PUT atomically: such an object was never stored.
 */
async function dropTornObjects(directory: string): Promise<void> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith(METADATA_SUFFIX)) continue;
    const metadata = join(entry.parentPath, entry.name);
    try {
      JSON.parse(await readFile(metadata, 'utf8'));
    } catch {
      const object = `${metadata.slice(0, -METADATA_SUFFIX.length)}._S3rver_object`;
      await Promise.all([metadata, object, `${object}.md5`].map((file) => rm(file, { force: true })));
    }
  }
}
