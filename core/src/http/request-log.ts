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

/**
 * Lines written in one event-loop turn go to the destination in one write: each write to pino's
 * destination measures its whole pending buffer again, which made it quadratic in the lines
 * waiting for a write under load.
 */
class LineBatch {
  #pending = '';
  #target: Destination | undefined;
  readonly flush = (): void => {
    const lines = this.#pending;
    this.#pending = '';
    if (lines !== '') this.#target?.write(lines);
  };

  constructor() {
    // Lines of the current turn would otherwise be lost when the process exits within it.
    process.once('exit', this.flush);
  }

  append(target: Destination, line: string): void {
    if (this.#target !== target) {
      this.flush();
      this.#target = target;
    }
    if (this.#pending === '') setImmediate(this.flush);
    this.#pending += line;
  }
}

const batch = new LineBatch();

// Per logger: the hot path logs through one for its whole life (fastify's per-request children are new each time).
const imitated = new WeakMap<FastifyBaseLogger, PinoParts | null>();

function imitable(log: FastifyBaseLogger): PinoParts | undefined {
  let parts = imitated.get(log);
  if (parts === undefined) {
    parts = partsOf(log) ?? null;
    imitated.set(log, parts);
  }
  return parts ?? undefined;
}

function partsOf(log: FastifyBaseLogger): PinoParts | undefined {
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
