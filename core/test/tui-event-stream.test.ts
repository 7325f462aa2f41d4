import test from 'ava';
import type { ServerEvent } from '../src/cli/tui/api-types.js';
import { readServerEvents } from '../src/cli/tui/event-stream.js';

// The TUI's reader of GET /api/v2/events: the network cuts the stream anywhere, so events split
// across chunks, CRLF line ends, keep-alive comments and multi-line data must all come out whole.

function bodyOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function read(chunks: string[]): Promise<ServerEvent[]> {
  const events: ServerEvent[] = [];
  for await (const event of readServerEvents(bodyOf(chunks))) events.push(event);
  return events;
}

const FETCH = { type: 'fetch', time: '2026-12-04T16:00:00.000Z', repo: 'priv', path: 'a/b.tgz', status: 200, bytes: 12 };

test('events split at every byte come out whole, pings skipped', async (t) => {
  const text = `: ping\n\nevent: fetch\ndata: ${JSON.stringify(FETCH)}\n\n: ping\n\nevent: evict\ndata: {"type":"evict","time":"2026-12-04T16:00:01.000Z","repo":"priv","path":"a/b.tgz"}\n\n`;
  const events = await read([...text]);
  t.deepEqual(events, [FETCH, { type: 'evict', time: '2026-12-04T16:00:01.000Z', repo: 'priv', path: 'a/b.tgz' }]);
});

test('CRLF line ends and data split over several data: lines', async (t) => {
  const [first, second] = JSON.stringify(FETCH).split(',"path"');
  const events = await read([`event: fetch\r\ndata: ${first}\r\n`, `data: ,"path"${second}\r\n\r\n`]);
  t.is(events.length, 1);
  // Joined with a newline, which JSON takes as whitespace between tokens.
  t.like(events[0], { type: 'fetch', path: 'a/b.tgz', bytes: 12 });
});

test('data that is not JSON is shown as the message of an event of the named type', async (t) => {
  const events = await read(['event: upstream_error\ndata: upstream said no\n\n']);
  t.is(events.length, 1);
  t.like(events[0], { type: 'upstream_error', message: 'upstream said no' });
  t.regex(events[0]!.time, /^\d{4}-\d\d-\d\dT/);
});

test('an event cut off by the end of the stream is not yielded half', async (t) => {
  t.deepEqual(await read([`event: fetch\ndata: ${JSON.stringify(FETCH)}\n`]), []);
});
