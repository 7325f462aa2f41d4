// Runs one autocannon load in its own process (so the load generator never shares an event
// loop with a server or a sampler) and prints a one-line JSON summary on stdout.
// Usage: node load-child.js '{"url": "...", "connections": 16, "duration": 10, "headers": {}}'
import { createRequire } from 'node:module';
import autocannon from 'autocannon';

// autocannon 8 appends every response body to a string (PipelinedRequestsQueue.addBody), which
// caps it at ~45 MB/s on this machine whatever the server does. We never check bodies, so the
// body is dropped here; bytes are still counted from the socket.
const require = createRequire(import.meta.url);
const queue = require(require.resolve('autocannon').replace(/autocannon\.js$/, 'lib/pipelinedRequestsQueue.js'));
queue.prototype.addBody = function addBody() {};

const options = JSON.parse(process.argv[2]);
if (!/^http:\/\/127\.0\.0\.1[:/]/.test(options.url)) throw new Error(`refusing non-loopback target ${options.url}`);

const result = await autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.duration,
  headers: options.headers ?? {},
  pipelining: 1,
  timeout: 30,
});

process.stdout.write(
  JSON.stringify({
    reqPerSec: result.requests.average,
    bytesPerSec: result.throughput.average,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  }) + '\n',
);
