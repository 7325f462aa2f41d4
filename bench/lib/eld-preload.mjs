// Bench-only preload (`node --import bench/lib/eld-preload.mjs …`): measures the event-loop delay
// of the process it is loaded into, so a server's loop is measured from inside without any code
// in the server. Active only when BENCH_ELD_FILE is set. On each SIGUSR2 it writes what the
// histogram saw since the previous SIGUSR2 (or since start) to that file as JSON, then resets:
// one signal opens a measurement window, the next closes it and reports it.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { renameSync, writeFileSync } from 'node:fs';

const file = process.env.BENCH_ELD_FILE;
// The histogram records whole timer intervals: the lateness is the value minus the resolution.
const RESOLUTION_MS = 1;

if (file) {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const ms = (ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  process.on('SIGUSR2', () => {
    const report = {
      count: histogram.count,
      p50: ms(histogram.percentile(50)),
      p99: ms(histogram.percentile(99)),
      max: ms(histogram.max),
      mean: ms(histogram.mean),
    };
    histogram.reset();
    // Written aside then renamed, so a reader never sees half a file.
    writeFileSync(`${file}.tmp`, JSON.stringify(report));
    renameSync(`${file}.tmp`, file);
  });
}
