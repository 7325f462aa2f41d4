import type { RepositoryRef, RoutesContext } from '@artifactapi/plugin-sdk';
import { RegistryError } from './errors.js';

const DAY_MS = 86_400_000;

/**
 * Quarantine for images. A registry publishes no dates, so the clock of a manifest starts when this
 * repository first stored it under its digest: a tag that moves to a new digest is refused until
 * that digest has been known for `quarantine_days`, however the client names it. Storing the
 * digest entry costs no upstream request: the tag's bytes already stored are reused (the manifest
 * paths are `sharedByDigest`).
 */
export async function refuseQuarantined(ctx: RoutesContext, repo: RepositoryRef, image: string, digest: string, now = Date.now()): Promise<void> {
  if (repo.kind !== 'remote' || !(repo.quarantineDays > 0)) return;
  const firstSeen = await firstStoredAt(ctx, repo.name, `${image}/manifests/${digest}`);
  const availableAt = firstSeen + repo.quarantineDays * DAY_MS;
  if (now >= availableAt) return;
  throw new RegistryError('DENIED', {
    status: 451,
    message: `quarantined: ${image}@${digest} was first seen ${new Date(firstSeen).toISOString()}; ${repo.name} serves it from ${new Date(availableAt).toISOString()}`,
    detail: { code: 'AAPI_ERR_QUARANTINED', available_at: new Date(availableAt).toISOString() },
  });
}

/** When the path was first stored; stores it now when it never was, which starts its clock. */
async function firstStoredAt(ctx: RoutesContext, repo: string, path: string): Promise<number> {
  const known = await storedAt(ctx, repo, path);
  if (known !== undefined) return known;
  (await ctx.engine.get(repo, path)).discard();
  return (await storedAt(ctx, repo, path)) ?? Date.now();
}

async function storedAt(ctx: RoutesContext, repo: string, path: string): Promise<number | undefined> {
  const { objects } = await ctx.engine.list(repo, { prefix: path, limit: 1 });
  return objects.find((o) => o.path === path)?.storedAt;
}
