import type { RepositoryRef } from '@artifactapi/plugin-sdk';
import type { ServerContext } from './server-context.js';

/** A repository as plugins see it (`ctx.engine.resolve`, `hotReads`), or undefined for an unknown name. */
export function repositoryRef(ctx: ServerContext, name: string): RepositoryRef | undefined {
  const found = ctx.service.resolve(name);
  if (!found) return undefined;
  return found.kind === 'virtual'
    ? { name, kind: 'virtual', package: found.package, members: found.virtual.members, baseUrl: '', options: {}, quarantineDays: 0 }
    : { name, kind: found.kind, package: found.package, baseUrl: found.repo.config.base_url, options: found.repo.config.options, quarantineDays: found.repo.config.quarantine_days };
}
