import { Writable } from 'node:stream';
import { flushRequestLines } from '../../src/http/request-log.js';
import { pino, type Logger } from 'pino';

/** One JSON line a pino logger wrote. */
export interface LogLine {
  level: number;
  msg?: string;
  [key: string]: unknown;
}

/** A logger whose lines a test can read back. */
export interface CapturedLogs {
  logger: Logger;
  readonly lines: LogLine[];
  /** Lines at warn (40) or above whose message or error matches `pattern`. */
  warnings(pattern: RegExp): LogLine[];
}

/** A real pino logger writing to memory, at `level` (default info). */
export function captureLogs(level = 'info'): CapturedLogs {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString('utf8').split('\n')) if (text.trim() !== '') lines.push(JSON.parse(text) as LogLine);
      done();
    },
  });
  return {
    logger: pino({ level }, sink),
    // Request lines gather for a few ms before they are written (src/http/request-log.ts).
    get lines() {
      flushRequestLines();
      return lines;
    },
    warnings: (pattern) => lines.filter((l) => l.level >= 40 && pattern.test(`${l.msg ?? ''} ${JSON.stringify(l.err ?? '')}`)),
  };
}
