// Forces packument rewrites one after another: each GET carries an X-Forwarded-Host never used
// before, so the server's public base, and with it the rewritten document, is new every time and
// no cached rendering can answer it.
import { Agent, request } from 'node:http';

let counter = 0;

/** One GET of `url` as host `host`; resolves with { status, bytes, ms, sawHost }. */
function getAs(url, host, accept, agent) {
  const target = new URL(url);
  if (target.hostname !== '127.0.0.1') throw new Error(`refusing non-loopback target ${url}`);
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = request(target, { agent, headers: { accept, 'x-forwarded-host': host } }, (res) => {
      let bytes = 0;
      let head = '';
      res.on('data', (chunk) => {
        // The first tarball URL is near the top of either variant: it must carry the new host.
        if (head.length < 64 * 1024) head += chunk.toString('latin1', 0, Math.min(chunk.length, 64 * 1024));
        bytes += chunk.length;
      });
      res.on('end', () => resolve({ status: res.statusCode, bytes, ms: performance.now() - start, sawHost: head.includes(`//${host}/`) }));
      res.on('error', reject);
    });
    req.setTimeout(120_000, () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * GETs `url` with a fresh X-Forwarded-Host each time, one request at a time, until `until()` is
 * true. Resolves with { rewrites, seconds, medianMs, failures } where a failure is a non-200
 * or a body whose tarball URLs do not carry the request's host.
 */
export async function rewriteLoop({ url, accept, until }) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times = [];
  let failures = 0;
  const start = performance.now();
  try {
    while (!until()) {
      const host = `r${++counter}.rewrite.bench`;
      const res = await getAs(url, host, accept, agent);
      if (res.status !== 200 || !res.sawHost) failures++;
      times.push(res.ms);
    }
  } finally {
    agent.destroy();
  }
  times.sort((a, b) => a - b);
  return { rewrites: times.length, seconds: (performance.now() - start) / 1000, medianMs: times[times.length >> 1] ?? NaN, failures };
}

/** One GET as a host never used before: the time to rewrite and deliver `url` once. */
export async function freshRewrite(url, accept) {
  const agent = new Agent({ keepAlive: false });
  try {
    return await getAs(url, `f${++counter}.rewrite.bench`, accept, agent);
  } finally {
    agent.destroy();
  }
}
