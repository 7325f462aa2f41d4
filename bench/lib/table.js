// Plain-text and Markdown tables for the results.

/** Renders rows (arrays of cells) under `headers` as a Markdown table, columns padded. */
export function markdownTable(headers, rows) {
  const cells = [headers, ...rows].map((r) => r.map((c) => String(c)));
  const widths = headers.map((_, i) => Math.max(3, ...cells.map((r) => r[i]?.length ?? 0)));
  const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(cells[0]), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...cells.slice(1).map(line)].join('\n');
}

/** Formats a number with `digits` decimals, or "-" when missing. */
export function fmt(value, digits = 0) {
  if (value === undefined || value === null || Number.isNaN(value)) return '-';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** "0.52×" for a / b, or "-" when either is missing. */
export function ratio(a, b) {
  if (!a || !b) return '-';
  return `${(a / b).toFixed(2)}×`;
}

/** Median of a list of numbers. */
export function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
