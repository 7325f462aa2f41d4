import { randomUUID } from 'node:crypto';
import type { PluginLogger } from '@artifactapi/plugin-sdk';
import type { VirtualConfig } from '../config/types.js';
import type { Coordinator } from '../coord/coordinator.js';
import { durableSubscription } from '../coord/durable-subscription.js';
import { AapiError } from '../errors.js';
import type { MetadataStore, StoredRepository } from '../metadata/metadata-store.js';
import { backendError } from './backend-errors.js';
import type { EventBus } from './event-bus.js';
import type { RepoRuntime } from './repo-runtime.js';

const CHANNEL = 'aapi:repositories';
const RESYNC_MS = 60_000;

export type RepositoryKind = StoredRepository['kind'];

export interface RepositoryCatalogDeps {
  meta: MetadataStore;
  coord: Coordinator;
  events: EventBus;
  log: PluginLogger;
  /** The live registries the engine, the routes and the hot path read; the catalog adds and removes API repositories in them. */
  repos: Map<string, RepoRuntime>;
  virtuals: Map<string, VirtualConfig>;
  /** Names declared in the configuration file (read-only here). */
  declared: ReadonlySet<string>;
  /** Checks a definition as the config file's would be and builds its runtime; throws a ConfigError naming each key path. */
  buildRemote(name: string, definition: Record<string, unknown>): RepoRuntime;
  buildVirtual(name: string, definition: Record<string, unknown>): VirtualConfig;
}

/**
 * Repositories created through the management API: kept in the metadata store (so they survive
 * restarts and every replica shares them), applied to the live registries, and announced on the
 * coordinator so every other replica reloads the one that changed from the store.
 */
export class RepositoryCatalog {
  private readonly instanceId = randomUUID();
  /** Definitions of the API repositories this replica runs, as stored. */
  private readonly stored = new Map<string, StoredRepository>();
  private unsubscribe: (() => Promise<void>) | undefined;
  private resync: NodeJS.Timeout | undefined;

  constructor(private readonly deps: RepositoryCatalogDeps) {}

  /** Where a repository name comes from; undefined when unknown. */
  source(name: string): 'config' | 'api' | undefined {
    if (this.deps.declared.has(name)) return 'config';
    return this.stored.has(name) ? 'api' : undefined;
  }

  /** The stored definition of an API repository. */
  definition(name: string): StoredRepository | undefined {
    return this.stored.get(name);
  }

  /** Loads every stored repository, then follows changes from other replicas. */
  async start(): Promise<void> {
    await this.reloadAll().catch((err: unknown) => this.deps.log.warn({ err }, 'cannot load API repositories yet; retrying'));
    // A safety net for a lost message or a store that was down at start: one small query a minute.
    this.resync = setInterval(() => void this.reloadAll().catch(() => undefined), RESYNC_MS);
    this.resync.unref();
    this.unsubscribe = await durableSubscription(
      this.deps.coord,
      CHANNEL,
      (message) => this.receive(message),
      () => void this.reloadAll().catch((err: unknown) => this.deps.log.warn({ err }, 'cannot reload API repositories')),
      this.deps.log,
    );
  }

  async stop(): Promise<void> {
    clearInterval(this.resync);
    await this.unsubscribe?.();
  }

  /** Creates a repository; 409 when the name is taken anywhere, 400 (ConfigError) for an invalid definition. */
  async create(kind: RepositoryKind, name: string, definition: Record<string, unknown>): Promise<void> {
    if (this.deps.repos.has(name) || this.deps.virtuals.has(name) || this.deps.declared.has(name)) throw exists(name);
    this.build(kind, name, definition);
    const now = Date.now();
    const repo: StoredRepository = { name, kind, definition, createdAt: now, updatedAt: now };
    if (!(await this.store(() => this.deps.meta.createRepository(repo)))) throw exists(name);
    this.apply(repo);
    await this.announce(name, 'created', kind);
  }

  /** Replaces an API repository's definition; 409 for one declared in the config file, 404 for an unknown one. */
  async replace(kind: RepositoryKind, name: string, definition: Record<string, unknown>): Promise<void> {
    const current = this.writable(kind, name);
    this.build(kind, name, definition);
    const repo: StoredRepository = { ...current, definition, updatedAt: Date.now() };
    if (!(await this.store(() => this.deps.meta.replaceRepository(repo)))) throw notFound(name);
    this.apply(repo);
    await this.announce(name, 'updated', kind);
  }

  /** Deletes an API repository; what it cached stays, and a repository created again under the name serves it. */
  async remove(kind: RepositoryKind, name: string): Promise<void> {
    this.writable(kind, name);
    await this.store(() => this.deps.meta.deleteRepository(name));
    this.drop(name);
    await this.announce(name, 'deleted', kind);
  }

  /** The stored repository a PUT or DELETE may change. */
  private writable(kind: RepositoryKind, name: string): StoredRepository {
    if (this.deps.declared.has(name)) {
      throw new AapiError('AAPI_ERR_DECLARED_IN_CONFIG', `${name} is declared in the configuration file; change it there`, { path: 'name' });
    }
    const current = this.stored.get(name);
    if (!current || current.kind !== kind) throw notFound(name);
    return current;
  }

  /** Checks a definition as create would, without storing it; throws a ConfigError naming each key path. */
  check(kind: RepositoryKind, name: string, definition: Record<string, unknown>): void {
    this.build(kind, name, definition);
  }

  private build(kind: RepositoryKind, name: string, definition: Record<string, unknown>): RepoRuntime | VirtualConfig {
    return kind === 'remote' ? this.deps.buildRemote(name, definition) : this.deps.buildVirtual(name, definition);
  }

  private async store<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      throw backendError('AAPI_ERR_METADATA_UNAVAILABLE', err);
    }
  }

  private apply(repo: StoredRepository): void {
    const built = this.build(repo.kind, repo.name, repo.definition);
    this.drop(repo.name);
    if (repo.kind === 'remote') this.deps.repos.set(repo.name, built as RepoRuntime);
    else this.deps.virtuals.set(repo.name, built as VirtualConfig);
    this.stored.set(repo.name, repo);
  }

  private drop(name: string): void {
    if (!this.stored.delete(name)) return;
    this.deps.repos.delete(name);
    this.deps.virtuals.delete(name);
  }

  private async announce(name: string, action: string, kind: RepositoryKind): Promise<void> {
    this.deps.events.emit({ type: 'repository', repo: name, action, message: kind });
    await this.deps.coord
      .publish(CHANNEL, `${this.instanceId} ${action} ${name}`)
      .catch((err: unknown) => this.deps.log.warn({ err, repo: name }, 'could not announce a repository change; other replicas see it at their next reload'));
  }

  private receive(message: string): void {
    const [sender, action, name] = message.split(' ');
    if (sender === this.instanceId || !name) return;
    void this.reload(name, action ?? 'updated').catch((err: unknown) => this.deps.log.warn({ err, repo: name }, 'could not reload a changed repository'));
  }

  /** Brings one repository in line with the store. */
  private async reload(name: string, action: string): Promise<void> {
    if (this.deps.declared.has(name)) return;
    const repo = await this.deps.meta.getRepository(name);
    const known = this.stored.has(name);
    if (repo) this.applyLoaded(repo);
    else this.drop(name);
    // Another deployment on the same Redis announces names this one never had.
    if (repo || known) this.deps.events.emit({ type: 'repository', repo: name, action, ...(repo ? { message: repo.kind } : {}) });
  }

  private async reloadAll(): Promise<void> {
    const all = await this.deps.meta.listRepositories();
    const names = new Set(all.map((r) => r.name));
    for (const name of [...this.stored.keys()]) if (!names.has(name)) this.drop(name);
    // Remotes first: a virtual's members must exist when it is checked.
    for (const repo of all.filter((r) => r.kind === 'remote')) this.applyLoaded(repo);
    for (const repo of all.filter((r) => r.kind === 'virtual')) this.applyLoaded(repo);
  }

  /** A stored repository that no longer passes (a plugin gone, a name now in the config file) is skipped, with a warning. */
  private applyLoaded(repo: StoredRepository): void {
    if (this.deps.declared.has(repo.name)) {
      this.deps.log.warn({ repo: repo.name }, 'an API repository has the name of one in the configuration file; the file wins');
      return;
    }
    const running = this.stored.get(repo.name);
    if (running && running.kind === repo.kind && running.updatedAt === repo.updatedAt) return;
    try {
      this.apply(repo);
    } catch (err) {
      this.deps.log.warn({ err, repo: repo.name }, 'a stored API repository is not valid here; skipped');
    }
  }
}

function exists(name: string): AapiError {
  return new AapiError('AAPI_ERR_REPOSITORY_EXISTS', `${name} already names a repository or virtual`, { path: 'name' });
}

function notFound(name: string): AapiError {
  return new AapiError('AAPI_ERR_REPOSITORY_NOT_FOUND', name, { path: 'name' });
}
