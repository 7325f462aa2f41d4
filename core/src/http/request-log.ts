import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import type { Metrics } from './metrics.js';
import type { ArtifactLogFields } from './request-context.js';

/** The parts of the one line per request that every request has. */
export interface RequestLine {
  method: string;
  /** The raw URL; its query string is not logged (it may carry tokens). */
  url: string;
  status: number;
  ms: number;
  /** Set when the logger does not already carry the request id. */
  reqId?: string;
}

const { chindingsSym, streamSym, timeSym, lsCacheSym, needsMetadataGsym, mixinSym, messageKeySym, formattersSym, hooksSym } = pino.symbols;

interface Destination {
  write(line: string): unknown;
  flushSync?: () => void;
}

/** The pino internals a request line is written with, when the logger is one this writer can imitate. */
interface PinoParts {
  /** `{"level":30`, as the logger's level formatter renders it. */
  levelPrefix: string;
  time: () => string;
  /** The logger's bindings as JSON members, each with its leading comma. */
  bindings: string;
  stream: Destination;
}

const INFO = 30;

/**
 * Counts each artifact request in the metrics and writes the one log line per request. The line
 * is the JSON pino would write for `log.info({...line, ...artifact}, 'request')`, built directly:
 * pino's generic path (key loop, redaction, escaping every value) cost ~8 µs a line, a quarter of
 * a 4 KiB hit (bench/README.md, issue 11). Loggers this cannot imitate (a mixin, formatters, a
 * write hook, or a destination that wants the level alongside, as multistream does) get a plain
 * `log.info`.
 */
export class RequestLog {
  constructor(private readonly metrics: Metrics) {}

  record(log: FastifyBaseLogger, line: RequestLine, artifact: ArtifactLogFields | null): void {
    if (artifact) this.metrics.countArtifact(artifact.repo, artifact.cache ?? 'NONE', line.status, artifact.bytes);
    if (!(log as unknown as pino.Logger).isLevelEnabled('info')) return;
    const query = line.url.indexOf('?');
    const url = query < 0 ? line.url : line.url.slice(0, query);
    const ms = Math.round(line.ms * 10) / 10;
    const parts = imitable(log);
    if (!parts) {
      log.info({ ...line, url, ms, ...artifact }, 'request');
      return;
    }
    let json = `${parts.levelPrefix}${parts.time()}${parts.bindings},"method":${JSON.stringify(line.method)},"url":${JSON.stringify(url)},"status":${line.status},"ms":${ms}`;
    if (line.reqId !== undefined) json += `,"reqId":${JSON.stringify(line.reqId)}`;
    if (artifact) {
      json += `,"repo":${JSON.stringify(artifact.repo)},"path":${JSON.stringify(artifact.path)}`;
      if (artifact.cache !== undefined) json += `,"cache":"${artifact.cache}"`;
      if (artifact.upstreamStatus !== undefined) json += `,"upstreamStatus":${artifact.upstreamStatus}`;
      if (artifact.bytes !== undefined) json += `,"bytes":${artifact.bytes}`;
      if (artifact.code !== undefined) json += `,"code":${JSON.stringify(artifact.code)}`;
    }
    batch.append(parts.stream, `${json},"msg":"request"}\n`);
  }
}

/** How long request lines may wait to be written together. */
const GATHER_MS = 25;

/**
 * Request lines go to the destination together, at most one write per GATHER_MS: each write to
 * pino's destination rescans its pending buffer and costs an fs.write through libuv's thread pool,
 * which at one write per request was a tenth of a cached packument's time (bench/README.md, issue
 * 11). Other log lines do not wait, so a request line may follow a later warning by that much.
 */
class LineBatch {
  #pending = '';
  #target: Destination | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly flush = (): void => {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const lines = this.#pending;
    this.#pending = '';
    if (lines !== '') this.#target?.write(lines);
  };

  constructor() {
    // What is still gathering goes out with pino's own last synchronous flush.
    process.once('exit', () => {
      this.flush();
      try {
        this.#target?.flushSync?.();
      } catch {
        // A destination that cannot flush now (still opening) keeps what pino's own exit flush keeps.
      }
    });
  }

  append(target: Destination, line: string): void {
    if (this.#target !== target) {
      this.flush();
      this.#target = target;
    }
    if (this.#timer === undefined) this.#timer = setTimeout(this.flush, GATHER_MS).unref();
    this.#pending += line;
  }
}

const batch = new LineBatch();

/** Writes the request lines still gathering now (tests read them right after a response). */
export function flushRequestLines(): void {
  batch.flush();
}

// Not cached per logger: fastify's per-request children are new each time, and a WeakMap entry per
// request cost more in garbage collection than these property reads.
function imitable(log: FastifyBaseLogger): PinoParts | undefined {
  const logger = log as unknown as Record<symbol, unknown>;
  const stream = logger[streamSym] as (Partial<Destination> & Record<symbol, unknown>) | undefined;
  if (typeof stream?.write !== 'function' || stream[needsMetadataGsym] === true) return undefined;
  const formatters = logger[formattersSym] as { log?: unknown } | undefined;
  const hooks = logger[hooksSym] as { streamWrite?: unknown } | undefined;
  if (logger[mixinSym] !== undefined || formatters?.log !== undefined || hooks?.streamWrite !== undefined) return undefined;
  if ((logger[messageKeySym] ?? 'msg') !== 'msg') return undefined;
  const levelPrefix = (logger[lsCacheSym] as Record<number, unknown> | undefined)?.[INFO];
  const time = logger[timeSym];
  const bindings = logger[chindingsSym];
  if (typeof levelPrefix !== 'string' || typeof time !== 'function' || typeof bindings !== 'string') return undefined;
  return { levelPrefix, time: time as () => string, bindings, stream: stream as Destination };
}
