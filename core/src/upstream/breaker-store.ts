/** What a breaker store keeps for one upstream origin. */
export interface BreakerRecord {
  /** Consecutive failures since the last success. */
  failures: number;
  /** When the breaker last opened (ms, from the breaker's clock); absent while closed. */
  openedAt?: number;
  /** When the half-open trial request was handed out; absent when none is in flight. */
  trialAt?: number;
}

/** What `acquire` decided for one request. */
export type Admission = 'pass' | 'trial' | 'reject';

/**
 * Where circuit-breaker state lives. Each method is one atomic step, so a shared implementation
 * (Redis, one Lua script per method) lets all replicas agree on an upstream's health and hand out
 * a single trial request between them. Methods return the record after the step (undefined for
 * a closed breaker with no failures) so the caller can keep a local copy for cheap reads.
 */
export interface BreakerStore {
  /**
   * Admits a request: `pass` when closed; when open and `cooldownMs` has passed since it opened,
   * `trial` for exactly one caller (a trial older than `cooldownMs` counts as lost and is handed
   * out again, so a crashed replica cannot wedge the breaker); otherwise `reject`.
   */
  acquire(key: string, now: number, cooldownMs: number): Promise<{ admission: Admission; record?: BreakerRecord }>;
  /** A request succeeded: the breaker closes and the failure count resets. */
  success(key: string): Promise<BreakerRecord | undefined>;
  /**
   * A request failed: counts it, and opens the breaker (again) when the count reaches
   * `threshold` or when `trial` says this was the half-open trial.
   */
  failure(key: string, now: number, threshold: number, trial: boolean): Promise<BreakerRecord | undefined>;
  /** A trial ended without a verdict (the caller aborted): lets the next request try instead. */
  releaseTrial(key: string): Promise<BreakerRecord | undefined>;
}

/** The embedded store: a Map in this process. */
export class MemoryBreakerStore implements BreakerStore {
  private readonly records = new Map<string, BreakerRecord>();

  async acquire(key: string, now: number, cooldownMs: number): Promise<{ admission: Admission; record?: BreakerRecord }> {
    const record = this.records.get(key);
    if (record?.openedAt === undefined) return record ? { admission: 'pass', record: { ...record } } : { admission: 'pass' };
    const cooled = now - record.openedAt >= cooldownMs;
    const trialLive = record.trialAt !== undefined && now - record.trialAt < cooldownMs;
    if (!cooled || trialLive) return { admission: 'reject', record: { ...record } };
    record.trialAt = now;
    return { admission: 'trial', record: { ...record } };
  }

  async success(key: string): Promise<undefined> {
    this.records.delete(key);
    return undefined;
  }

  async failure(key: string, now: number, threshold: number, trial: boolean): Promise<BreakerRecord> {
    const record = this.records.get(key) ?? { failures: 0 };
    record.failures += 1;
    if (trial || (record.openedAt === undefined && record.failures >= threshold)) {
      record.openedAt = now;
      delete record.trialAt;
    }
    this.records.set(key, record);
    return { ...record };
  }

  async releaseTrial(key: string): Promise<BreakerRecord | undefined> {
    const record = this.records.get(key);
    if (!record) return undefined;
    delete record.trialAt;
    return { ...record };
  }
}
