import type { DiffResult } from './diff.ts';
import {
  floatRepr,
  isFloat,
  isNumeric,
  isRecord,
  pyRound,
  pyStr,
  PyFloat,
  type PyValue,
} from './pyvalue.ts';

export interface DiffTableOptions {
  title: 'Metric' | 'Param';
  aRev?: string | undefined;
  bRev?: string | undefined;
  noPath?: boolean | undefined;
  /** Drop the Change column (params diff). */
  showChanges?: boolean | undefined;
  /** Round floats to this many digits, as `dvc metrics diff --precision` (default 5 for metrics). */
  precision?: number | undefined;
}

const FILL = '-';

function rounded(v: PyValue, precision: number | undefined): PyValue {
  if (precision === undefined || precision === 0) return v;
  if (isNumeric(v)) return isFloat(v) ? pyRound(v instanceof PyFloat ? v.value : v, precision) : v;
  if (Array.isArray(v)) return v.map((x) => rounded(x, precision));
  if (isRecord(v))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rounded(x, precision)]));
  return v;
}

function cell(v: PyValue | undefined, precision: number | undefined): string {
  return v === undefined || v === null ? FILL : pyStr(rounded(v, precision));
}

/** Python's sorted() order for str: by code point, not UTF-16 unit. */
export function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** The rows of `dvc metrics diff` / `dvc params diff`, header first. */
export function diffTable(diff: DiffResult, options: DiffTableOptions): string[][] {
  const header = [
    'Path',
    options.title,
    options.aRev ?? 'HEAD',
    options.bRev ?? 'workspace',
    'Change',
  ];
  const rows: string[][] = [];
  for (const path of Object.keys(diff).sort(compareCodePoints)) {
    const changes = diff[path]!;
    for (const key of Object.keys(changes).sort(compareCodePoints)) {
      const c = changes[key]!;
      rows.push([
        path,
        key,
        cell(c.old, options.precision),
        cell(c.new, options.precision),
        cell(c.diff, options.precision),
      ]);
    }
  }
  let table = [header, ...rows];
  const drop = (name: string) => {
    const i = table[0]!.indexOf(name);
    table = table.map((r) => r.filter((_, j) => j !== i));
  };
  if (options.noPath === true) drop('Path');
  if (options.showChanges === false) drop('Change');
  return table;
}

/** tabulate's "plain" (aligned, two spaces between columns) or "github" format, as DVC prints. */
export function renderTable(table: string[][], markdown: boolean): string {
  const [header, ...rows] = table;
  if (!header) return '';
  if (!markdown && rows.length === 0) return '';
  const width = header.map((h, i) => Math.max(h.length + 2, ...rows.map((r) => [...r[i]!].length)));
  const pad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - [...s].length));
  if (markdown) {
    const line = (r: string[]) => `| ${r.map((c, i) => pad(c, width[i]!)).join(' | ')} |`;
    const rule = `|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`;
    return [line(header), rule, ...rows.map(line)].join('\n') + '\n\n';
  }
  return (
    [header, ...rows]
      .map((r) =>
        r
          .map((c, i) => pad(c, width[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** JSON as Python's json.dumps writes it: floats keep their `.0` and `1e-05` forms. */
export function pythonJson(value: unknown, indent = 0, level = 0): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof PyFloat) return floatRepr(value.value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
    return Number.isInteger(value) ? String(value) : floatRepr(value);
  }
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  const nl = indent ? '\n' + ' '.repeat(indent * (level + 1)) : '';
  const end = indent ? '\n' + ' '.repeat(indent * level) : '';
  const sep = indent ? ',' : ', ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${nl}${value.map((v) => pythonJson(v, indent, level + 1)).join(sep + nl)}${end}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(
    ([, v]) => v !== undefined,
  );
  if (entries.length === 0) return '{}';
  return `{${nl}${entries.map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v, indent, level + 1)}`).join(sep + nl)}${end}}`;
}
