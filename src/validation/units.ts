// Sizes and durations as the spec language writes them (src/spec/schema/common.ts).

const SIZE_UNITS: Record<string, number> = {
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

/** Bytes in `512MB`, `16GiB`, `1.5 GB` or a plain number of bytes (decimal units are powers of 1000). */
export function parseByteSize(size: number | string): number {
  if (typeof size === 'number') return size;
  const m = /^(\d+(?:\.\d+)?)\s*([KMGTP]i?B|B)$/i.exec(size.trim());
  if (!m) throw new RangeError(`not a size: ${size}`);
  return Math.round(Number(m[1]) * SIZE_UNITS[m[2]!.toUpperCase()]!);
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 };

/** Milliseconds in `90s`, `1h30m`, `2d`, or a number of seconds. */
export function parseDuration(duration: number | string): number {
  if (typeof duration === 'number') return duration * 1000;
  let total = 0;
  let rest = duration.trim();
  while (rest.length > 0) {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)/.exec(rest);
    if (!m) throw new RangeError(`not a duration: ${duration}`);
    total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return total;
}

/** `2d 3h` style text for a number of milliseconds, for messages. */
export function formatDuration(ms: number): string {
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
