import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { finished, type Readable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import type { RepoRuntime, RequestView, Served } from '../engine/index.js';
import { artifactHeaders } from './artifact-headers.js';
import { fileNameOf } from './repo-path.js';
import type { ArtifactLogFields } from './request-context.js';
import type { RequestLog } from './request-log.js';
import type { ServerContext } from './server-context.js';

/** Hands a request to fastify's handler (when it must answer an error in its format). */
export type FastifyHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** A request the hot path has routed: the repository, the path as the repository route reads it, and how a rewritten document sees the client. */
export interface DirectTarget {
  repo: RepoRuntime;
  path: string;
  /** Undefined for an artifact (the engine asks for the view of documents only). */
  view: RequestView | undefined;
}

/** An error found before the response started, and when the request came. */
interface Handed {
  error: unknown;
  started: number;
}

// Kept for the repository route that answers them.
const handed = new WeakMap<IncomingMessage, Handed>();

/**
 * The error {@link serveDirect} handed over with the request: the repository route throws it
 * instead of asking the engine again, so fastify's error handler answers it.
 */
export function handedError(req: IncomingMessage): unknown {
  return handed.get(req)?.error;
}

/** When a request handed over by {@link serveDirect} came (its log line counts from then), if it was one. */
export function handedSince(req: IncomingMessage): number | undefined {
  return handed.get(req)?.started;
}

export interface DirectDeps {
  ctx: ServerContext;
  log: FastifyBaseLogger;
  requestLog: RequestLog;
}

/**
 * Answers a plain GET or HEAD of a repository URL the hot path routed but could not answer from
 * memory (a miss, a file on disk, a document still to render), as the repository route would, without fastify's routing, hooks
 * and reply: they were ~0.3 ms of a cold miss's first byte on a server just started (bench/README.md,
 * issue 11). An error found before the response starts goes to `fastify` with the request, whose
 * repository route answers it (handedError), so errors keep one format and one log path.
 */
export async function serveDirect(deps: DirectDeps, req: IncomingMessage, res: ServerResponse, target: DirectTarget, fastify: FastifyHandler, reqId: string): Promise<void> {
  const started = performance.now();
  const head = req.method === 'HEAD';
  const artifact: ArtifactLogFields = { repo: target.repo.name, path: target.path };
  const logLine = (): void => {
    deps.requestLog.record(deps.log, { method: req.method!, url: req.url!, status: res.statusCode, ms: performance.now() - started, reqId }, artifact);
  };
  const handOver = (err: unknown): void => {
    res.off('finish', logLine);
    handed.set(req, { error: err ?? new Error(`${String(err)} thrown`), started });
    fastify(req, res);
  };
  let served: Served;
  let body: Readable | Buffer | undefined;
  try {
    served = await deps.ctx.engine.get(target.repo, target.path, target.view);
    if (!head) body = await served.open(undefined);
  } catch (err) {
    handOver(err);
    return;
  }
  artifact.cache = served.cache;
  artifact.upstreamStatus = served.upstreamStatus;
  artifact.bytes = head ? 0 : served.size;
  const headers = artifactHeaders(served, fileNameOf(target.path));
  if (served.size !== undefined) headers['content-length'] = String(served.size);
  res.once('finish', logLine);
  if (body === undefined || Buffer.isBuffer(body)) {
    if (head) served.discard();
    res.writeHead(200, headers);
    res.end(body);
    return;
  }
  sendStream(deps, req, res, body, headers, handOver);
}

/**
 * Streams `body` as fastify's reply does: the headers go out with the first chunk, so a body that
 * fails before it (a download whose only chunk fails its check) is still an error response.
 */
function sendStream(deps: DirectDeps, req: IncomingMessage, res: ServerResponse, body: Readable, headers: Record<string, string>, handOver: (err: unknown) => void): void {
  let bodyOpen = true;
  finished(body, { readable: true, writable: false }, (err) => {
    bodyOpen = false;
    if (!err) return;
    if (res.headersSent) {
      // A client that went away closes the body early; anything else cut the download.
      if ((err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') deps.log.debug({ err }, 'response closed before its body ended');
      else deps.log.warn({ err }, 'response cut: its body failed after the headers were sent');
      res.destroy();
      return;
    }
    body.unpipe(res);
    for (const name of Object.keys(headers)) res.removeHeader(name);
    handOver(err);
  });
  finished(res, () => {
    if (bodyOpen) body.destroy();
  });
  for (const name in headers) res.setHeader(name, headers[name]!);
  body.pipe(res);
}
