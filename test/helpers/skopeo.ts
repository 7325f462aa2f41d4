import { execFile } from 'node:child_process';
import { rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { OciImage } from './oci-image.js';

/**
 * skopeo as the tests' registry client (PROTOCOLS §10): pushes fixture images and pulls through
 * the proxy. It never reads the machine's policy or credentials: `--insecure-policy`, explicit
 * `--creds`, and plain HTTP to 127.0.0.1 with TLS verification off.
 */

export const SKOPEO_BIN = process.env.SKOPEO_BIN ?? 'skopeo';

const run = promisify(execFile);

export interface SkopeoResult {
  stdout: string;
  stderr: string;
}

/** Runs `skopeo --insecure-policy ARGS`; rejects with its stderr in the message. */
export async function skopeo(args: readonly string[], timeoutMs = 120_000): Promise<SkopeoResult> {
  try {
    // An empty auth file keeps a developer's ~/.docker/config.json out of the test.
    const env = { ...process.env, REGISTRY_AUTH_FILE: await emptyAuthFile() };
    return await run(SKOPEO_BIN, ['--insecure-policy', ...args], { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`skopeo ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`);
  }
}

export interface PushOptions {
  /** `v2s2` converts to Docker schema 2 (and a Docker manifest list); default keeps OCI. */
  format?: 'oci' | 'v2s2';
  /** `user:password` for the registry. */
  creds?: string;
}

/** `skopeo copy --all oci:DIR:TAG docker://HOST/NAME:TAG`: every architecture, with the index. */
export async function pushImage(image: OciImage, destination: string, options: PushOptions = {}): Promise<SkopeoResult> {
  const args = ['copy', '--all', '--dest-tls-verify=false'];
  if (options.format) args.push('--format', options.format);
  if (options.creds) args.push('--dest-creds', options.creds);
  return skopeo([...args, `oci:${image.dir}:${image.tag}`, `docker://${destination}`]);
}

/** `skopeo inspect --raw`: the manifest bytes exactly as the registry serves them. */
export async function inspectRaw(reference: string, creds?: string): Promise<string> {
  const args = ['inspect', '--raw', '--tls-verify=false'];
  if (creds) args.push('--creds', creds);
  return (await skopeo([...args, `docker://${reference}`])).stdout;
}

let authFile: Promise<string> | undefined;

/**
 * One `{"auths":{}}` file for every run (the same constant content, so concurrent writers agree).
 * Written beside it and renamed into place: a test process writing it in place truncated it first,
 * and a skopeo of another test process read it empty (a CI failure).
 */
function emptyAuthFile(): Promise<string> {
  authFile ??= (async () => {
    const file = join(tmpdir(), 'artifactapi-skopeo-empty-auth.json');
    const partial = `${file}.${process.pid}`;
    await writeFile(partial, '{"auths":{}}\n');
    await rename(partial, file);
    return file;
  })();
  return authFile;
}

/** True when `bin --version` runs: the probe of the service gate. */
export async function commandRuns(bin: string): Promise<void> {
  await run(bin, ['--version'], { timeout: 10_000 });
}
