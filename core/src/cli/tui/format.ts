/** Number formatting for narrow terminal columns. */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 → "1.5 KiB"; whole bytes below 1 KiB. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '–';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

/** hits / (hits + misses) as "87.5%"; "–" before the first request. */
export function formatRatio(hits: number, misses: number): string {
  const total = hits + misses;
  return total === 0 ? '–' : `${((hits / total) * 100).toFixed(1)}%`;
}

/** 1234567 → "1,234,567". */
export function formatCount(n: number | undefined): string {
  return n === undefined ? '–' : n.toLocaleString('en-US');
}

/** An ISO time as local "YYYY-MM-DD HH:MM:SS"; "–" for null. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** Only the clock part, for event lines. */
export function formatClock(iso: string): string {
  return formatTime(iso).slice(11) || iso;
}

/** Pads or cuts `text` to exactly `width` columns; a cut ends in "…". */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  if (text.length > width) return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
  return align === 'left' ? text.padEnd(width) : text.padStart(width);
}

/** Cuts the start of a long path instead of its end: the file name is what tells paths apart. */
export function fitPath(path: string, width: number): string {
  if (path.length <= width) return path.padEnd(width);
  return width <= 1 ? '…' : `…${path.slice(path.length - width + 1)}`;
}

/** Seconds as the largest whole unit: "45 s", "12 min", "3 h", "9 d". */
function span(seconds: number): string {
  if (seconds < 60) return `${Math.floor(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86_400)} d`;
}

/** How long ago `iso` was: "5 min ago"; "–" for null. */
export function formatAge(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '–';
  const at = Date.parse(iso);
  return Number.isNaN(at) ? iso : `${span(Math.max(0, now - at) / 1000)} ago`;
}

/** How long until `iso`: "in 5 min", "expired"; "–" for null. */
export function formatUntil(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '–';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  return at <= now ? 'expired' : `in ${span((at - now) / 1000)}`;
}
