import { setTimeout as sleep } from 'node:timers/promises';

/** A JSON answer read loosely: tests index into it and compare. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked by the assertions, not by types
export type Loose = Record<string, any>;

/** An answer of the management API: status, parsed JSON body (or text), headers. */
export interface ApiAnswer<T = Loose> {
  status: number;
  body: T;
  headers: Headers;
}

/** The management API of one server, called with the admin token unless told otherwise. */
export function apiClient(base: string, token: string) {
  async function call<T = Loose>(
    method: string,
    path: string,
    body?: unknown,
    options: { token?: string | null } = {},
  ): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = {};
    const auth = options.token === undefined ? token : options.token;
    if (auth !== null) headers['authorization'] = `Bearer ${auth}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }
  return { call, base };
}

/** One server-sent event as received. */
export interface ReceivedEvent {
  event: string;
  data: Loose;
}

/**
 * Listens to /api/v2/events until `stop()`; `received` fills as events arrive. Resolves once the
 * stream is open (the server's first comment has arrived), so nothing emitted afterwards is missed.
 */
export async function listenEvents(base: string, token: string) {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/v2/events?token=${encodeURIComponent(token)}`, { signal: controller.signal });
  if (res.status !== 200 || !res.body) throw new Error(`event stream answered ${res.status}: ${await res.text()}`);
  const received: ReceivedEvent[] = [];
  let buffer = '';
  let opened: () => void;
  const open = new Promise<void>((resolve) => (opened = resolve));
  const decoder = new TextDecoder();
  const pump = (async () => {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (block.startsWith(':')) {
          opened!();
          continue;
        }
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) received.push({ event, data: JSON.parse(data) as Loose });
      }
    }
  })().catch(() => undefined);
  await open;
  return {
    received,
    /** Waits until an event matching `match` arrives (or fails after `timeoutMs`). */
    async waitFor(match: (e: ReceivedEvent) => boolean, timeoutMs = 10_000): Promise<ReceivedEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = received.find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(received)}`);
        await sleep(50);
      }
    },
    async stop() {
      controller.abort();
      await pump;
    },
  };
}

/** Polls `check` until it returns true or `timeoutMs` passes; resolves to how long it took (ms), or rejects. */
export async function within(timeoutMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`not true within ${timeoutMs} ms`);
    await sleep(25);
  }
}
