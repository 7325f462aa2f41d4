import type { ContentCheck, VerifyInput } from '@artifactapi/plugin-sdk';
import { AapiError } from '../errors.js';
import type { WorkerPool } from '../workers/index.js';
import type { RepoRuntime } from './repo-runtime.js';

/**
 * Runs the plugin's verifier named by `check` over an artifact's whole bytes in the worker pool,
 * and refuses them (AAPI_ERR_UPSTREAM_DIGEST) unless it answers what the check expects. A verifier
 * that cannot read the bytes (SyntaxError) refuses them too; any other failure is the plugin's.
 */
export async function runContentCheck(pool: WorkerPool, repo: RepoRuntime, path: string, check: ContentCheck, body: Buffer): Promise<void> {
  const task = repo.plugin.verifiers?.[check.verifier];
  if (!task) throw new AapiError('AAPI_ERR_PLUGIN_FAILED', `${repo.plugin.type} names verifier "${check.verifier}" for ${repo.name}/${path}, which it does not have`);
  let actual: string;
  try {
    // Bytes that own their memory move to the worker rather than being copied; nothing reads them after.
    const owned = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength && !(body.buffer instanceof SharedArrayBuffer);
    actual = await pool.run<VerifyInput, string>(task, { body, path }, owned ? [body.buffer] : undefined);
  } catch (err) {
    if (err instanceof SyntaxError) {
      throw new AapiError('AAPI_ERR_UPSTREAM_DIGEST', `${path}: expected ${check.expected}, but the bytes cannot be read (${err.message})`, { cause: err });
    }
    throw new AapiError('AAPI_ERR_PLUGIN_FAILED', `${repo.plugin.type} verifier "${check.verifier}" on ${repo.name}/${path}: ${(err as Error).message}`, { cause: err });
  }
  if (actual !== check.expected) throw new AapiError('AAPI_ERR_UPSTREAM_DIGEST', `${path}: expected ${check.expected}, got ${actual}`);
}
