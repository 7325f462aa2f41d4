import type { FastifyBaseLogger } from 'fastify';
import { writeSync } from 'node:fs';
import { pino } from 'pino';
import type { EventBus } from '../engine/index.js';
import { emitArtifactEvent } from './api/artifact-events.js';
import { countInto, type ArtifactCount, type Metrics } from './metrics.js';
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
 * Counts each artifact request in the metrics, writes the one log line per request, and tells
 * event listeners what an artifact request stood for (`emitArtifactEvent`). The line
 * is the JSON pino would write for `log.info({...line, ...artifact}, 'request')`, built directly:
 * pino's generic path (key loop, redaction, escaping every value) cost ~8 µs a line, a quarter of
 * a 4 KiB hit (bench/README.md, issue 11). Loggers this cannot imitate (a mixin, formatters, a
 * write hook, or a destination that wants the level alongside, as multistream does) get a plain
 * `log.info`.
 */
export class RequestLog {
  constructor(
    private readonly metrics: Metrics,
    private readonly events?: EventBus,
  ) {}

  record(log: FastifyBaseLogger, line: RequestLine, artifact: ArtifactLogFields | null): void {
    this.recordPrepared(log, this.prepare(line, artifact), line.ms, line.reqId);
    if (artifact && this.events?.active) emitArtifactEvent(this.events, artifact, line.status, artifact.code);
  }

  /**
   * What a request's line and count have in common with every other request of the same method,
   * URL, status and artifact fields: kept by the hot path per URL, so a hit escapes and looks up
   * nothing (a quarter of a 4 KiB hit's own work, bench/README.md).
   */
  prepare(line: Omit<RequestLine, 'ms' | 'reqId'>, artifact: ArtifactLogFields | null): PreparedLine {
    const query = line.url.indexOf('?');
    const url = query < 0 ? line.url : line.url.slice(0, query);
    let tail = '';
    if (artifact) {
      tail += `,"repo":${JSON.stringify(artifact.repo)},"path":${JSON.stringify(artifact.path)}`;
      if (artifact.cache !== undefined) tail += `,"cache":"${artifact.cache}"`;
      if (artifact.upstreamStatus !== undefined) tail += `,"upstreamStatus":${artifact.upstreamStatus}`;
      if (artifact.bytes !== undefined) tail += `,"bytes":${artifact.bytes}`;
      if (artifact.code !== undefined) tail += `,"code":${JSON.stringify(artifact.code)}`;
    }
    return {
      fields: { method: line.method, url, status: line.status, artifact },
      head: `,"method":${JSON.stringify(line.method)},"url":${JSON.stringify(url)},"status":${line.status},"ms":`,
      tail: `${tail},"msg":"request"}\n`,
      count: artifact ? this.metrics.artifactCount(artifact.repo, artifact.cache ?? 'NONE', line.status) : undefined,
      sent: artifact?.bytes,
    };
  }

  /** Counts and logs a request whose line was {@link prepare}d, `ms` after it came, `reqId` when the logger does not carry one. */
  recordPrepared(log: FastifyBaseLogger, prepared: PreparedLine, ms: number, reqId: string | undefined): void {
    if (prepared.count) countInto(prepared.count, prepared.sent);
    if (!(log as unknown as pino.Logger).isLevelEnabled('info')) return;
    const rounded = Math.round(ms * 10) / 10;
    const parts = imitable(log);
    if (!parts) {
      const { method, url, status, artifact } = prepared.fields;
      log.info({ method, url, status, ms: rounded, ...(reqId === undefined ? {} : { reqId }), ...artifact }, 'request');
      return;
    }
    const id = reqId === undefined ? '' : `,"reqId":${JSON.stringify(reqId)}`;
    batch.append(parts.stream, `${parts.levelPrefix}${parts.time()}${parts.bindings}${prepared.head}${rounded}${id}${prepared.tail}`);
  }
}

/** The parts of a request line that do not change from one request to the next ({@link RequestLog.prepare}). */
export interface PreparedLine {
  /** For a logger the line is not written around. */
  readonly fields: { method: string; url: string; status: number; artifact: ArtifactLogFields | null };
  /** `,"method":…,"url":…,"status":…,"ms":`, before the time taken. */
  readonly head: string;
  /** The artifact's fields and `"msg"`, to the newline. */
  readonly tail: string;
  readonly count: ArtifactCount | undefined;
  readonly sent: number | undefined;
}

/** How long request lines may wait to be written together. */
const GATHER_MS = 25;
/** Bytes of lines gathered before they are written without waiting for the timer. */
const GATHER_BYTES = 64 * 1024;
/** Lines a destination refuses for now (a full pipe) wait up to this much, then are dropped. */
const BACKLOG_LIMIT = 4 * 1024 * 1024;

/**
 * Request lines go out together, at most one write per GATHER_MS. Lines are copied into a buffer
 * as they come, outside V8's heap: a string of lines held for the gathering time outlived the
 * young generation and made old-generation garbage (bench/README.md, issue 11). A destination
 * with a file descriptor (pino's, writing to stdout or a file) gets them with one write(2) from
 * this thread; a full non-blocking pipe keeps them for the next round, up to BACKLOG_LIMIT.
 * Other destinations (a test's stream) get them as text. Other log lines do not wait, so a
 * request line may follow a later warning by that much.
 */
class LineBatch {
  #buffer: Buffer = Buffer.allocUnsafe(GATHER_BYTES);
  #used = 0;
  #text = '';
  #target: Destination | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly flush = (): void => {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const target = this.#target;
    if (this.#text !== '') {
      const text = this.#text;
      this.#text = '';
      target?.write(text);
    }
    if (this.#used > 0 && target) this.#writeBuffered(target);
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
    if (fdOf(target) === undefined) {
      this.#text += line;
      return;
    }
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    if (this.#used + line.length * 3 > this.#buffer.length) {
      this.flush();
      if (line.length * 3 > this.#buffer.length - this.#used) this.#buffer = grown(this.#buffer, this.#used + line.length * 3);
    }
    this.#used += this.#buffer.write(line, this.#used, 'utf8');
  }

  #writeBuffered(target: Destination): void {
    const fd = fdOf(target)!;
    let written = 0;
    try {
      while (written < this.#used) written += writeSync(fd, this.#buffer, written, this.#used - written);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') written = this.#used;
    }
    const left = this.#used - written;
    if (left > BACKLOG_LIMIT) {
      this.#used = 0;
      return;
    }
    this.#buffer.copy(this.#buffer, 0, written, this.#used);
    this.#used = left;
    if (left > 0 && this.#timer === undefined) this.#timer = setTimeout(this.flush, GATHER_MS).unref();
  }
}

function fdOf(target: Destination): number | undefined {
  const fd = (target as { fd?: unknown }).fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}

function grown(buffer: Buffer, atLeast: number): Buffer {
  const larger = Buffer.allocUnsafe(Math.max(atLeast, buffer.length * 2));
  buffer.copy(larger);
  return larger;
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
