import { Readable } from 'node:stream';

/** How an upstream body is watched. */
export interface IdleBodyOptions {
  /** Longest silence from the upstream while the consumer waits; 0 = none. */
  idleMs: number;
  /** The error for an idle timeout. */
  onIdle: () => Error;
  /** Turns the source's errors into the caller's (AapiErrors). */
  mapError: (err: unknown) => Error;
  /** Asked at the source's 'end': false means the message was cut short (fewer bytes than declared). */
  isComplete?: () => boolean;
}

/**
 * Wraps an upstream body so that it fails when the upstream stays silent for `idleMs` while the
 * consumer is waiting for data. The clock stops while the consumer applies backpressure: a slow
 * downstream client is not the upstream's fault. A source that closes, or ends incomplete,
 * fails the body: a short body must never look like a whole one.
 */
export function idleBody(source: Readable, options: IdleBodyOptions): Readable {
  const { idleMs, onIdle, mapError, isComplete } = options;
  let timer: NodeJS.Timeout | undefined;
  const disarm = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  const arm = (): void => {
    if (idleMs <= 0 || out.destroyed) return;
    if (timer) timer.refresh();
    else timer = setTimeout(() => out.destroy(onIdle()), idleMs);
  };

  const out = new Readable({
    highWaterMark: 64 * 1024,
    read() {
      arm();
      source.resume();
    },
    destroy(err, callback) {
      disarm();
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onError);
      source.off('close', onClose);
      // Swallow the error the source emits on destroy; the wrapper already carries the real one.
      source.on('error', () => undefined);
      source.destroy();
      callback(err);
    },
  });

  const onData = (chunk: Buffer): void => {
    if (out.push(chunk)) arm();
    else {
      disarm();
      source.pause();
    }
  };
  let ended = false;
  const onEnd = (): void => {
    ended = true;
    disarm();
    if (isComplete && !isComplete()) {
      out.destroy(mapError(Object.assign(new Error('body ended early'), { code: 'ECONNRESET' })));
      return;
    }
    // Node hands the socket back to its agent on a later tick than the response's 'end'.
    // Ending one turn later lets a caller's next request reuse that socket instead of opening
    // a second one.
    setImmediate(() => out.push(null));
  };
  const onError = (err: unknown): void => {
    out.destroy(mapError(err));
  };
  // A source closed without 'end' or 'error' still means the body is incomplete.
  const onClose = (): void => {
    if (!ended && !out.destroyed) out.destroy(mapError(Object.assign(new Error('body closed early'), { code: 'ECONNRESET' })));
  };

  // A body can fail before its consumer attaches (the engine awaits storage first) or while it
  // is only drained with resume(). Without a listener that 'error' would crash the process; the
  // error stays on `out.errored`, where for-await, pipeline and finished() still find it.
  out.on('error', () => undefined);
  source.pause();
  source.on('data', onData);
  source.on('end', onEnd);
  source.on('error', onError);
  source.on('close', onClose);
  return out;
}
