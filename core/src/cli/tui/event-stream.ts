import type { ServerEvent } from './api-types.js';

/**
 * Reads a `text/event-stream` body (the subset GET /api/v2/events sends: `event:` and `data:`
 * lines, blank-line separated, `:` comments as keep-alives) and yields each event's data as
 * parsed JSON. An event whose data is not JSON is yielded with its text as the message, so a
 * server that says something unexpected is still shown rather than dropped.
 */
export async function* readServerEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerEvent> {
  let buffer = '';
  let type = '';
  let data: string[] = [];
  for await (const chunk of body.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.search(/\r?\n/)) !== -1) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer[newline] === '\r' ? 2 : 1));
      if (line === '') {
        if (data.length > 0) yield toEvent(type, data.join('\n'));
        type = '';
        data = [];
      } else if (line.startsWith('event:')) {
        type = line.slice(6).trim();
      } else if (line.startsWith('data:')) {
        data.push(line.slice(5).replace(/^ /, ''));
      }
      // `:` comments (pings), `id:` and `retry:` carry nothing to show.
    }
  }
}

function toEvent(type: string, data: string): ServerEvent {
  try {
    const parsed = JSON.parse(data) as Partial<ServerEvent>;
    return { ...parsed, type: parsed.type ?? (type || 'message'), time: parsed.time ?? new Date().toISOString() };
  } catch {
    return { type: type || 'message', time: new Date().toISOString(), message: data };
  }
}
