import { posix } from 'node:path';
import { parse } from 'yaml';
import { splitCsvLine } from '../csv.ts';

export type Row = Record<string, string | number | null>;

/** DVC plot templates we draw; others fall back to `linear`. */
export type Template =
  | 'linear'
  | 'simple'
  | 'scatter'
  | 'smooth'
  | 'confusion'
  | 'confusion_normalized'
  | 'bar_horizontal'
  | 'bar_horizontal_sorted';

export interface PlotSpec {
  path: string;
  template?: string | undefined;
  x?: string | undefined;
  y?: string | string[] | undefined;
  title?: string | undefined;
  x_label?: string | undefined;
  y_label?: string | undefined;
}

function cell(text: string): string | number | null {
  const t = text.trim();
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) && /^[-+]?(\d|\.\d)/.test(t) ? n : t;
}

/** Rows of a plot file: CSV/TSV with a header, or JSON/YAML holding a list of records (or one key that does). */
export function readRows(path: string, text: string): Row[] {
  const ext = posix.extname(path).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') {
    const sep = ext === '.tsv' ? '\t' : ',';
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    const header = splitCsvLine(lines[0] ?? '', sep).map((h) => h.trim());
    return lines.slice(1).map((l) => {
      const cells = splitCsvLine(l, sep);
      return Object.fromEntries(header.map((h, i) => [h, cell(cells[i] ?? '')]));
    });
  }
  let value: unknown = parse(text);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const lists = Object.values(value).filter(Array.isArray);
    value = lists.length === 1 ? lists[0] : [];
  }
  if (!Array.isArray(value)) return [];
  return value
    .filter(
      (r): r is Record<string, unknown> => r !== null && typeof r === 'object' && !Array.isArray(r),
    )
    .map((r) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [
          k,
          typeof v === 'number' || typeof v === 'string'
            ? v
            : v === null || v === undefined
              ? null
              : JSON.stringify(v),
        ]),
      ),
    );
}

export interface Series {
  name: string;
  points: [number | string, number][];
}

export interface Chart {
  kind: 'line' | 'scatter' | 'bar' | 'confusion';
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** confusion: labels and counts[actual][predicted]; normalized rows when asked. */
  matrix?: { labels: string[]; counts: number[][]; normalized: boolean };
}

const COUNT_COLUMNS = ['count', 'n', 'value', 'weight'];

/** Turn rows into a chart as DVC's template would draw it. */
export function chartOf(spec: PlotSpec, rows: readonly Row[]): Chart {
  const template = (spec.template ?? 'linear') as Template;
  const columns = rows[0] ? Object.keys(rows[0]) : [];
  const title = spec.title ?? spec.path;
  if (template === 'confusion' || template === 'confusion_normalized') {
    const x = spec.x ?? columns[0] ?? 'actual';
    const y = (typeof spec.y === 'string' ? spec.y : spec.y?.[0]) ?? columns[1] ?? 'predicted';
    const weight = columns.find(
      (c) => c !== x && c !== y && COUNT_COLUMNS.includes(c.toLowerCase()),
    );
    const labels = [...new Set(rows.flatMap((r) => [String(r[x]), String(r[y])]))].sort();
    const counts = labels.map(() => labels.map(() => 0));
    for (const r of rows) {
      const w = weight ? Number(r[weight]) || 0 : 1;
      counts[labels.indexOf(String(r[x]))]![labels.indexOf(String(r[y]))]! += w;
    }
    const normalized = template === 'confusion_normalized';
    const shown = normalized
      ? counts.map((row) => {
          const sum = row.reduce((a, b) => a + b, 0);
          return row.map((v) => (sum ? Math.round((v / sum) * 1000) / 1000 : 0));
        })
      : counts;
    return {
      kind: 'confusion',
      title,
      xLabel: spec.x_label ?? x,
      yLabel: spec.y_label ?? y,
      series: [],
      matrix: { labels, counts: shown, normalized },
    };
  }
  const ys =
    spec.y === undefined
      ? columns.filter((c) => c !== spec.x && rows.some((r) => typeof r[c] === 'number'))
      : typeof spec.y === 'string'
        ? [spec.y]
        : spec.y;
  const x = spec.x ?? 'step';
  const series = ys.map((name) => ({
    name,
    points: rows.flatMap((r, i): [number | string, number][] => {
      const yv = r[name];
      if (typeof yv !== 'number') return [];
      const xv = spec.x === undefined ? i : r[spec.x];
      return xv === null || xv === undefined ? [] : [[xv, yv]];
    }),
  }));
  const kind = template === 'scatter' ? 'scatter' : template.startsWith('bar') ? 'bar' : 'line';
  if (template === 'bar_horizontal_sorted')
    for (const s of series) s.points.sort((a, b) => b[1] - a[1]);
  return {
    kind,
    title,
    xLabel: spec.x_label ?? x,
    yLabel: spec.y_label ?? (ys.length === 1 ? ys[0]! : 'value'),
    series,
  };
}
