import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import test from 'ava';
import { pino, type Logger } from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { Metrics } from '../src/http/metrics.js';
import { flushRequestLines, RequestLog } from '../src/http/request-log.js';

// The request line is built without pino's generic path (src/http/request-log.ts). These tests
// pin that it is the line pino itself writes for the same fields, byte for byte apart from the
// time, and that loggers it cannot imitate still get pino's own line.

function memoryLogger(options: pino.LoggerOptions = {}): { logger: Logger; text: () => string; writes: () => number } {
  let text = '';
  let writes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      writes++;
      done();
    },
  });
  return { logger: pino({ level: 'info', ...options }, sink), text: () => text, writes: () => writes };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const gathered = () => new Promise((resolve) => setTimeout(resolve, 100));
const withoutTime = (line: string) => line.replace(/,"time":\d+/, '');

const LINE = { method: 'GET', url: '/api/v1/remote/npm/%40scope%2fpkg/-/pkg-1.0.0.tgz?token=secret', status: 200, ms: 0.4567, reqId: 'hot-7' };
const ARTIFACT = { repo: 'npm', path: '@scope/pkg/-/pkg-1.0.0.tgz', cache: 'HIT' as const, bytes: 4096 };

test.serial('the request line is the JSON pino writes for the same fields, query string left out', async (t) => {
  const built = memoryLogger();
  const reference = memoryLogger();
  const child = built.logger.child({ reqId: 'req-3' });
  new RequestLog(new Metrics()).record(child as unknown as FastifyBaseLogger, { ...LINE, reqId: undefined }, { ...ARTIFACT, upstreamStatus: 200, code: 'AAPI_ERR_X"\n' });
  flushRequestLines();
  reference.logger
    .child({ reqId: 'req-3' })
    .info({ method: 'GET', url: '/api/v1/remote/npm/%40scope%2fpkg/-/pkg-1.0.0.tgz', status: 200, ms: 0.5, repo: 'npm', path: ARTIFACT.path, cache: 'HIT', upstreamStatus: 200, bytes: 4096, code: 'AAPI_ERR_X"\n' }, 'request');
  t.is(withoutTime(built.text()), withoutTime(reference.text()));
  t.notRegex(built.text(), /secret/);
  t.deepEqual(JSON.parse(built.text()).reqId, 'req-3');
});

test.serial('request lines gather and reach the destination in one write, in order, within the gathering time', async (t) => {
  const { logger, text, writes } = memoryLogger();
  const log = new RequestLog(new Metrics());
  log.record(logger as unknown as FastifyBaseLogger, { ...LINE, reqId: 'hot-0' }, ARTIFACT);
  await nextTurn();
  for (let i = 1; i < 3; i++) log.record(logger as unknown as FastifyBaseLogger, { ...LINE, reqId: `hot-${i}` }, ARTIFACT);
  t.is(text(), '');
  await gathered();
  t.is(writes(), 1);
  const lines = text().trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  t.deepEqual(
    lines.map((l) => l.reqId),
    ['hot-0', 'hot-1', 'hot-2'],
  );
  t.like(lines[0], { level: 30, msg: 'request', repo: 'npm', path: ARTIFACT.path, cache: 'HIT', bytes: 4096, ms: 0.5, status: 200 });
});

test.serial('a logger with a mixin or a log formatter gets pino’s own line, and a quiet logger none', async (t) => {
  const mixed = memoryLogger({ mixin: () => ({ node: 'replica-2' }) });
  const formatted = memoryLogger({ formatters: { log: (o) => ({ ...o, shaped: true }) } });
  const quiet = memoryLogger({ level: 'warn' });
  const metrics = new Metrics();
  const log = new RequestLog(metrics);
  for (const { logger } of [mixed, formatted, quiet]) log.record(logger as unknown as FastifyBaseLogger, LINE, ARTIFACT);
  flushRequestLines();
  t.like(JSON.parse(mixed.text()), { node: 'replica-2', msg: 'request', reqId: 'hot-7' });
  t.like(JSON.parse(formatted.text()), { shaped: true, msg: 'request' });
  t.is(quiet.text(), '');
  // Counted in the metrics whether or not a line is written.
  t.is(metrics.artifactTotals().get('npm')?.hits, 3);
});

test.serial('to a file descriptor (pino’s destination), lines arrive whole and in order, beyond the gathering buffer and in UTF-8', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'aapi-request-log-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'log.jsonl');
  const destination = pino.destination({ dest: file, sync: true });
  const logger = pino({ level: 'info' }, destination);
  const log = new RequestLog(new Metrics());
  // ~400 bytes a line: 2,000 lines pass the 64 KiB gathering buffer several times.
  for (let i = 0; i < 2000; i++) {
    log.record(logger as unknown as FastifyBaseLogger, { ...LINE, url: `/api/v1/remote/files/ünïcödé/${i}/${'x'.repeat(200)}`, reqId: `hot-${i}` }, ARTIFACT);
  }
  flushRequestLines();
  const lines = (await readFile(file, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  t.is(lines.length, 2000);
  t.deepEqual(
    lines.map((l) => l.reqId),
    Array.from({ length: 2000 }, (_, i) => `hot-${i}`),
  );
  t.true(String(lines[1999]!.url).startsWith('/api/v1/remote/files/ünïcödé/1999/'));
});
