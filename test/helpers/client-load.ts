import { hashedGet, type HashedResponse } from '@artifactapi/core/testing/hashed-get';
import { sha256 } from '@artifactapi/core/testing/integrity-asserts';

/** An artifact whose bytes the test knows, so every answer can be checked against them. */
export interface KnownArtifact {
  /** What the test expects of it in an outage, e.g. `hot`, `big`, `cold`. */
  kind: string;
  /** URL path after the repository, e.g. `/hot/1.bin`. */
  path: string;
  body: Buffer;
}

/**
 * How one answer turned out against the artifact's bytes:
 * - `ok`: a 200 with exactly the artifact's bytes, complete;
 * - `cut`: a 200 broken off before its end, every byte received being the artifact's own;
 * - `no answer`: the connection failed before any response;
 * - `<status> <AAPI_ERR code>`: an error answer;
 * - `CORRUPT …`: anything else, i.e. a 200 with wrong bytes. Never allowed.
 */
export function judge(r: HashedResponse, artifact: KnownArtifact): string {
  if (r.status === 0) return 'no answer';
  if (r.status !== 200) return `${r.status} ${errorCode(r.text)}`;
  const { body } = artifact;
  if (r.complete && r.size === body.byteLength && r.sha256 === sha256(body)) return 'ok';
  if (!r.complete && r.size < body.byteLength && r.sha256 === sha256(body.subarray(0, r.size))) return 'cut';
  return `CORRUPT ${artifact.path}: ${r.size} of ${body.byteLength} bytes, complete ${String(r.complete)}`;
}

function errorCode(text: string | undefined): string {
  try {
    return (JSON.parse(text ?? '') as { error?: { code?: string } }).error?.code ?? '(no code)';
  } catch {
    return '(not JSON)';
  }
}

export interface LoadResult {
  artifact: KnownArtifact;
  /** performance.now() when the request was sent, and when its answer ended. */
  startedAt: number;
  endedAt: number;
  outcome: string;
  /** Status, error message and body text, for an assertion's message. */
  detail: string;
}

/**
 * `clients` concurrent clients, each sending one GET after another (over a fresh connection each)
 * for the artifact `pick` names next, until stopped. Every answer is judged and kept.
 */
export class ClientLoad {
  readonly results: LoadResult[] = [];
  #running = true;
  readonly #loops: Promise<void>[];

  constructor(clients: number, url: (artifact: KnownArtifact) => string, pick: (client: number) => KnownArtifact) {
    this.#loops = Array.from({ length: clients }, async (_, client) => {
      while (this.#running) {
        const artifact = pick(client);
        const startedAt = performance.now();
        const r = await hashedGet(url(artifact));
        const detail = `${artifact.path}: ${r.status} ${r.error?.message ?? ''} ${r.text ?? ''}`.trim();
        this.results.push({ artifact, startedAt, endedAt: performance.now(), outcome: judge(r, artifact), detail });
      }
    });
  }

  /** Lets each client finish its request in flight, then resolves. */
  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#loops);
  }

  /** Answers to requests sent at or after `from` (performance.now()) and ended by `to`. */
  between(from: number, to = Infinity): LoadResult[] {
    return this.results.filter((r) => r.startedAt >= from && r.endedAt <= to);
  }

  /** Resolves once `count` answers sent at or after `from` satisfy `accept`, for each kind in `kinds`. */
  async whenAnswered(kinds: readonly string[], count: number, from: number, accept: (r: LoadResult) => boolean = () => true, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const since = this.between(from).filter(accept);
      const short = kinds.filter((kind) => since.filter((r) => r.artifact.kind === kind).length < count);
      if (short.length === 0) return;
      if (Date.now() > deadline) {
        throw new Error(`fewer than ${count} answers of kind ${short.join(', ')} within ${timeoutMs} ms; last: ${JSON.stringify(tally(this.results.slice(-20)))}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** `{ "<kind>: <outcome>": count }`, sorted, for comparing what a set of answers looked like. */
export function tally(results: readonly LoadResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) {
    const key = `${r.artifact.kind}: ${r.outcome}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** The distinct outcomes among `results` of one kind, sorted. */
export function outcomesOf(results: readonly LoadResult[], kind: string): string[] {
  return [...new Set(results.filter((r) => r.artifact.kind === kind).map((r) => r.outcome))].sort();
}

/**
 * `clients` GETs of `url` at once; `streaming` resolves when every one has received body bytes
 * (so each is certainly mid-download), `answers` when all have ended.
 */
export function concurrentGets(clients: number, url: string): { streaming: Promise<void>; answers: Promise<HashedResponse[]> } {
  let withBytes = 0;
  let allStreaming!: () => void;
  const streaming = new Promise<void>((resolve) => (allStreaming = resolve));
  const onFirstByte = () => {
    if (++withBytes === clients) allStreaming();
  };
  return { streaming, answers: Promise.all(Array.from({ length: clients }, () => hashedGet(url, { onFirstByte }))) };
}

/** The distinct judgements of `answers` against `artifact`, sorted. */
export function judgements(answers: readonly HashedResponse[], artifact: KnownArtifact): string[] {
  return [...new Set(answers.map((r) => judge(r, artifact)))].sort();
}
