import { formatCount, formatTime } from '../format.js';
import type { Point } from '../stats-history.js';

const WIDTH = 1000;
const HEIGHT = 200;
const PAD = { top: 12, right: 12, bottom: 26, left: 44 };

/**
 * A hand-drawn SVG area chart: a dozen lines instead of a chart library, and it scales with the
 * card (viewBox). Screen readers get a one-sentence summary in place of the picture.
 */
export function LineChart({ points, label, unit }: { points: Point[]; label: string; unit: string }) {
  if (points.length < 2) {
    return (
      <div class="chart-empty" role="img" aria-label={`${label}: collecting samples`}>
        Collecting samples… the chart fills in every 5 seconds.
      </div>
    );
  }
  const first = points[0]!.at;
  const last = points.at(-1)!.at;
  const peak = Math.max(...points.map((p) => p.value));
  const top = niceCeiling(peak);
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const x = (at: number) => PAD.left + ((at - first) / Math.max(1, last - first)) * innerW;
  const y = (value: number) => PAD.top + innerH - (value / top) * innerH;
  const line = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.at).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const area = `${line} L${x(last).toFixed(1)},${y(0)} L${x(first).toFixed(1)},${y(0)} Z`;
  const summary = `${label}: latest ${formatCount(points.at(-1)!.value)} ${unit}, peak ${formatCount(peak)}, from ${formatTime(new Date(first))} to ${formatTime(new Date(last))}`;
  const ticks = [0, top / 2, top];
  return (
    <svg class="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary}>
      {ticks.map((t) => (
        <g key={t}>
          <line class="grid" x1={PAD.left} x2={WIDTH - PAD.right} y1={y(t)} y2={y(t)} />
          <text class="axis" x={PAD.left - 6} y={y(t) + 4} text-anchor="end">
            {formatCount(t)}
          </text>
        </g>
      ))}
      <path class="area" d={area} />
      <path class="line" d={line} />
      <text class="axis" x={PAD.left} y={HEIGHT - 6}>
        {formatTime(new Date(first))}
      </text>
      <text class="axis" x={WIDTH - PAD.right} y={HEIGHT - 6} text-anchor="end">
        {formatTime(new Date(last))}
      </text>
    </svg>
  );
}

/** 1, 2 or 5 times a power of ten at or above `n` (at least 1), for round axis labels. */
function niceCeiling(n: number): number {
  if (n <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 5, 10]) if (step * power >= n) return step * power;
  return 10 * power;
}
