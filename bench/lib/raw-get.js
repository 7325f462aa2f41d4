// A lean HTTP/1.1 GET over a raw socket (Connection: close) for the 50-client stampede:
// node:http's client costs ~2× more CPU per byte, and with 50 × 64 MiB to receive on a 2-core
// box the client, not the server, would set the pace. Handles Content-Length and chunked bodies.
import { connect } from 'node:net';

const CRLF2 = Buffer.from('\r\n\r\n');

/** Incremental chunked-body decoder: counts body bytes, keeps the first 32, notes the end. */
function chunkedDecoder(onBody) {
  let remaining = 0; // body bytes left in the current chunk
  let skip = 0; // CRLF bytes after a chunk's data still to skip
  let line = '';
  let finished = false;
  return {
    get finished() {
      return finished;
    },
    push(buf) {
      let i = 0;
      while (i < buf.length && !finished) {
        if (remaining > 0) {
          const n = Math.min(remaining, buf.length - i);
          onBody(buf.subarray(i, i + n));
          remaining -= n;
          i += n;
          if (remaining === 0) skip = 2;
        } else if (skip > 0) {
          skip--;
          i++;
        } else {
          const nl = buf.indexOf(10, i);
          if (nl < 0) {
            line += buf.toString('latin1', i);
            return;
          }
          line += buf.toString('latin1', i, nl);
          i = nl + 1;
          const size = parseInt(line.trim(), 16);
          line = '';
          if (size === 0) finished = true;
          else remaining = size;
        }
      }
    },
  };
}

/**
 * GETs `url` (loopback only). Resolves like timedGet: { status, headers, bytes, headersMs,
 * ttfbMs, totalMs, head }, or rejects on a socket error or a body cut short.
 */
export function rawGet(url, { timeoutMs = 120_000 } = {}) {
  const target = new URL(url);
  if (target.hostname !== '127.0.0.1') throw new Error(`refusing non-loopback target ${url}`);
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const socket = connect(Number(target.port), '127.0.0.1');
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`timeout after ${timeoutMs} ms: ${url}`)));
    let header = Buffer.alloc(0);
    let result = null;
    let decoder = null;
    const heads = [];
    let headLength = 0;
    const onBody = (buf) => {
      if (result.bytes === 0 && buf.length > 0) result.ttfbMs = performance.now() - start;
      if (headLength < 32) {
        heads.push(buf.subarray(0, 32 - headLength));
        headLength += Math.min(buf.length, 32 - headLength);
      }
      result.bytes += buf.length;
    };
    socket.on('data', (chunk) => {
      if (result) return decoder ? decoder.push(chunk) : onBody(chunk);
      header = Buffer.concat([header, chunk]);
      const end = header.indexOf(CRLF2);
      if (end < 0) return;
      const lines = header.toString('latin1', 0, end).split('\r\n');
      const headers = {};
      for (const l of lines.slice(1)) {
        const colon = l.indexOf(':');
        headers[l.slice(0, colon).trim().toLowerCase()] = l.slice(colon + 1).trim();
      }
      result = { status: Number(lines[0].split(' ')[1]), headers, bytes: 0, headersMs: performance.now() - start, ttfbMs: NaN };
      if (/chunked/i.test(headers['transfer-encoding'] ?? '')) decoder = chunkedDecoder(onBody);
      const rest = header.subarray(end + 4);
      header = null;
      if (rest.length === 0) return;
      if (decoder) decoder.push(rest);
      else onBody(rest);
    });
    socket.on('error', reject);
    socket.on('close', () => {
      if (!result) return reject(new Error(`no response from ${url}`));
      const expected = decoder ? null : Number(result.headers['content-length']);
      if (decoder ? !decoder.finished : Number.isFinite(expected) && expected !== result.bytes) {
        return reject(new Error(`body cut short: ${result.bytes} bytes from ${url}`));
      }
      resolve({ ...result, totalMs: performance.now() - start, head: Buffer.concat(heads) });
    });
    socket.write(`GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nConnection: close\r\n\r\n`);
  });
}
