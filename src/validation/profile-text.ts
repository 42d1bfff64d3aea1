import type { Style } from '../cli/io.ts';
import { toText } from './columns.ts';
import type { JsonValue } from './engine.ts';
import type { Profile } from './profile.ts';

function short(v: JsonValue | undefined): string {
  if (v === undefined || v === null) return '';
  const text = typeof v === 'number' ? String(Number(v.toPrecision(6))) : toText(v);
  return text.length > 22 ? `${text.slice(0, 21)}…` : text;
}

const BARS = ' ▁▂▃▄▅▆▇█';

/** A histogram as one line of block characters. */
export function sparkline(counts: readonly number[]): string {
  const max = Math.max(...counts, 0);
  if (max === 0) return '';
  return counts.map((c) => BARS[c === 0 ? 0 : Math.max(1, Math.round((c / max) * 8))]).join('');
}

/** A profile as a table for the terminal. */
export function renderProfileText(p: Profile, s: Style): string {
  const header = [
    'column',
    'type',
    'nulls',
    'distinct',
    'min',
    'max',
    'mean',
    'p50',
    'shape / top values',
  ];
  const rows = p.columns.map((c) => [
    c.name,
    c.type,
    c.nulls === 0 ? '0' : `${c.nulls} (${(c.nullShare * 100).toPrecision(2)}%)`,
    `~${c.distinct}`,
    short(c.min),
    short(c.max),
    short(c.mean),
    short(c.quantiles?.p50),
    c.histogram
      ? sparkline(c.histogram.counts)
      : (c.top ?? [])
          .slice(0, 4)
          .map((t) => `${t.value} ${t.count}`)
          .join(', '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    `${s.bold(p.path)} (${p.format}, ${p.rows} rows${p.files.length > 1 ? `, ${p.files.length} files` : ''}${p.rejected ? `, ${p.rejected} rows did not parse and are left out` : ''})`,
    s.dim(line(header)),
    ...rows.map(line),
    '',
  ].join('\n');
}
