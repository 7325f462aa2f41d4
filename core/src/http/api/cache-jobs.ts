import { randomUUID } from 'node:crypto';
import type { PluginLogger } from '@artifactapi/plugin-sdk';
import type { EventBus, JobProgress, RepositoryService } from '../../engine/index.js';
import { normaliseRepoPath } from '../../engine/index.js';

/** Downloads a job runs at once: a batch must not crowd out the clients being served. */
const CONCURRENCY = 4;
/** Finished jobs kept for `GET /api/v2/jobs/{id}`. */
const KEEP_FINISHED = 100;

export interface JobState extends JobProgress {
  repo: string;
  state: 'running' | 'done';
  errors: { path: string; message: string }[];
}

/**
 * Batch fetches into the cache (the seeds' `POST /cache-artifact`): each path goes through the
 * engine like a client's GET, the body is read to the end so it is stored, and progress goes out
 * as `job` events after every item.
 */
export class CacheJobs {
  private readonly jobs = new Map<string, JobState>();

  constructor(
    private readonly service: RepositoryService,
    private readonly events: EventBus,
    private readonly log: PluginLogger,
  ) {}

  get(id: string): JobState | undefined {
    return this.jobs.get(id);
  }

  /** Starts fetching `paths` of `repo` in the background; resolves at once with the job. */
  start(repo: string, paths: string[]): JobState {
    const job: JobState = { id: randomUUID(), repo, done: 0, total: paths.length, failed: 0, state: 'running', errors: [] };
    this.jobs.set(job.id, job);
    this.trim();
    void this.run(job, paths);
    return job;
  }

  private async run(job: JobState, paths: string[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < paths.length) {
        const path = paths[next++]!;
        try {
          await this.fetch(job.repo, path);
        } catch (err) {
          job.failed++;
          job.errors.push({ path, message: (err as Error).message });
        }
        job.done++;
        this.progress(job, path);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, paths.length) }, worker));
    job.state = 'done';
    if (paths.length === 0) this.progress(job, undefined);
    this.log.info({ job: job.id, repo: job.repo, total: job.total, failed: job.failed }, 'cache job finished');
  }

  private async fetch(repo: string, raw: string): Promise<void> {
    const target = this.service.resolve(repo);
    if (!target) throw new Error(`no repository named ${repo}`);
    const served = await this.service.get(target, normaliseRepoPath(raw.replace(/^\/+/, '')));
    const body = await served.open();
    if (Buffer.isBuffer(body)) return;
    // Reading to the end is what commits a download; the bytes themselves go nowhere.
    for await (const _chunk of body as AsyncIterable<Buffer>);
  }

  private progress(job: JobState, path: string | undefined): void {
    const { id, done, total, failed } = job;
    this.events.emit({
      type: 'job',
      repo: job.repo,
      ...(path !== undefined ? { path } : {}),
      action: job.state === 'done' || done === total ? 'done' : 'progress',
      job: { id, done, total, failed },
    });
  }

  private trim(): void {
    if (this.jobs.size <= KEEP_FINISHED) return;
    for (const [id, job] of this.jobs) {
      if (this.jobs.size <= KEEP_FINISHED) break;
      if (job.state === 'done') this.jobs.delete(id);
    }
  }
}
