import { readFile } from 'node:fs/promises';
import { isEngineError, type EngineService } from '@artifactapi/plugin-sdk';
import { SIGNING_KEY_PATH } from './classify.js';
import { generateSigningKey, readSigningKey, type SigningKey } from './signing-key.js';

/** Publish kind that stores a repository's signing key once: the first key stored wins. */
export const SIGNING_KEY_PUBLISH = 'terraform-signing-key';

/** Where the key comes from: `TF_SIGNING_KEY_PATH` (+ `TF_SIGNING_KEY_PASSPHRASE`), else generated per repository. */
export interface KeySource {
  path?: string;
  passphrase?: string;
}

/** The key source the environment names. */
export function keySourceFromEnv(env: NodeJS.ProcessEnv = process.env): KeySource {
  return {
    ...(env.TF_SIGNING_KEY_PATH ? { path: env.TF_SIGNING_KEY_PATH } : {}),
    ...(env.TF_SIGNING_KEY_PASSPHRASE ? { passphrase: env.TF_SIGNING_KEY_PASSPHRASE } : {}),
  };
}

/**
 * Signing keys of local repositories. A key file from the environment is used for all of them;
 * otherwise each repository gets an RSA key the first time it signs, kept in the repository
 * itself at a path no HTTP request can name (`./…`), through a publish: publishes of one path run
 * one at a time across replicas and the task keeps a key already stored, so every replica signs
 * with the same key even when several generate one at once.
 */
export class SigningKeys {
  readonly #keys = new Map<string, Promise<SigningKey>>();

  constructor(
    private readonly engine: EngineService,
    private readonly source: KeySource,
  ) {}

  /** The key `repo` signs with (loaded or generated once per process). */
  forRepo(repo: string): Promise<SigningKey> {
    const key = this.source.path ?? repo;
    let pending = this.#keys.get(key);
    if (!pending) {
      pending = this.source.path ? this.fromFile(this.source.path) : this.fromRepository(repo);
      this.#keys.set(key, pending);
      pending.catch(() => this.#keys.delete(key));
    }
    return pending;
  }

  private async fromFile(path: string): Promise<SigningKey> {
    return readSigningKey(await readFile(path, 'utf8'), this.source.passphrase);
  }

  private async fromRepository(repo: string): Promise<SigningKey> {
    const stored = await this.stored(repo);
    if (stored !== undefined) return readSigningKey(stored);
    const fresh = await generateSigningKey(`ArtifactAPI terraform registry (${repo})`);
    await this.engine.publish(repo, { kind: SIGNING_KEY_PUBLISH, indexPath: SIGNING_KEY_PATH, request: new TextEncoder().encode(fresh) });
    // Another replica's key may have been stored first: sign with whatever the repository holds.
    const kept = await this.stored(repo);
    if (kept === undefined) throw new Error(`${repo}: the signing key was not stored`);
    return readSigningKey(kept);
  }

  private async stored(repo: string): Promise<string | undefined> {
    try {
      const served = await this.engine.get(repo, SIGNING_KEY_PATH);
      return (await this.engine.read(served, 1024 * 1024)).toString('utf8');
    } catch (err) {
      if (isEngineError(err) && err.status === 404) return undefined;
      throw err;
    }
  }
}
