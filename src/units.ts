/**
 * Durations and sizes as the specs write them (`1h30m`, `80GB`; src/spec/schema/common.ts), read
 * and formatted for people.
 */

const DURATION_MS: Record<string, number> = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 };

/** Milliseconds in `90s`, `1h30m`, `2d`, or a number of seconds; anything else is a RangeError. */
export function parseDuration(duration: number | string): number {
  if (typeof duration === 'number') return duration * 1000;
  let total = 0;
  let rest = duration.trim();
  while (rest.length > 0) {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)/.exec(rest);
    if (!m) throw new RangeError(`not a duration: ${duration}`);
    total += Number(m[1]) * DURATION_MS[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return total;
}

/** Seconds for a duration as parseDuration reads it. */
export function durationSeconds(value: number | string): number {
  return typeof value === 'number' ? value : parseDuration(value) / 1000;
}

const SIZE_BYTES: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  PB: 1e15,
  KIB: 2 ** 10,
  MIB: 2 ** 20,
  GIB: 2 ** 30,
  TIB: 2 ** 40,
  PIB: 2 ** 50,
};

/** Bytes in `512MB`, `16GiB`, `1.5 GB` or a plain number (decimal units are powers of 1000). */
export function parseByteSize(size: number | string): number {
  if (typeof size === 'number') return size;
  const m = /^(\d+(?:\.\d+)?)\s*([KMGTP]i?B|B)$/i.exec(size.trim());
  if (!m) throw new RangeError(`not a size: ${size}`);
  return Math.round(Number(m[1]) * SIZE_BYTES[m[2]!.toUpperCase()]!);
}

/** The same, NaN for what is not a size (for callers that compare rather than fail). */
export function sizeBytes(value: number | string): number {
  try {
    return parseByteSize(value);
  } catch {
    return Number.NaN;
  }
}

/**
 * "1.5 GiB", "340 MiB", "512 B": with `digits` fixed, else 2, 1 or 0 decimals as the number
 * grows (three significant figures).
 */
export function formatBytes(bytes: number, digits?: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  if (i === 0) return `${v} B`;
  return `${v.toFixed(digits ?? (v >= 100 ? 0 : v >= 10 ? 1 : 2))} ${units[i]}`;
}

/** "1h 02m", "3m 05s", "4.2s", "120ms": how long a step took. */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** "2d 3h", "-45s": an age or a span in milliseconds, its two largest units, for messages. */
export function formatAge(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ms / 1000));
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size || (unit === 's' && parts.length === 0)) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return sign + parts.slice(0, 2).join(' ');
}
