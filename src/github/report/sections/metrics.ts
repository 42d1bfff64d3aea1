import type { MetricRow, MetricsSection, ParamsSection } from '../model.ts';
import {
  code,
  formatDelta,
  formatNumber,
  formatPercent,
  table,
  text,
  type Align,
} from '../markdown.ts';
import type { Detail } from '../render-context.ts';

type Value = MetricRow['value'];

function cell(v: Value | undefined): string {
  if (v === undefined || v === null) return '—';
  return typeof v === 'number' ? formatNumber(v) : code(v);
}

/** "🟢 +0.0208 (+2.3%)": the change, and whether it is better for the metric's goal. */
export function deltaCell(value: Value, other: Value | undefined, goal: MetricRow['goal']): string {
  if (typeof value !== 'number' || typeof other !== 'number') return '—';
  const d = value - other;
  if (d === 0) return '0';
  const better = goal === undefined ? undefined : goal === 'maximize' ? d > 0 : d < 0;
  const mark = better === undefined ? '' : better ? '🟢 ' : '🔴 ';
  const pct = other !== 0 ? ` (${formatPercent(d / Math.abs(other))})` : '';
  return `${mark}${formatDelta(d)}${pct}`;
}

function changed(row: MetricRow): boolean {
  return (
    (row.base !== undefined && row.base !== row.value) ||
    (row.production !== undefined && row.production !== row.value)
  );
}

/** Rows to show: primary metrics first; in compact form only primary and changed ones, 20 at most. */
export function metricRows(section: MetricsSection, detail: Detail): MetricRow[] {
  const rows = [...section.rows].sort(
    (a, b) => Number(b.primary ?? false) - Number(a.primary ?? false),
  );
  return detail === 'full' ? rows : rows.filter((r) => r.primary || changed(r)).slice(0, 20);
}

export function renderMetrics(section: MetricsSection, detail: Detail): string {
  const rows = metricRows(section, detail);
  if (rows.length === 0) return '#### Metrics\n\nNo metrics.';
  const withBase = section.rows.some((r) => r.base !== undefined);
  const withProd =
    section.production !== undefined && section.rows.some((r) => r.production !== undefined);
  const files = new Set(section.rows.map((r) => r.file));
  const headers = ['Metric', 'This PR'];
  if (withBase) headers.push(text(section.baseRef), `Δ vs ${text(section.baseRef)}`);
  if (withProd) {
    const p = section.production!;
    headers.push(`${text(p.environment)} (${text(p.version)})`, `Δ vs ${text(p.environment)}`);
  }
  const body = rows.map((r) => {
    const name = `${r.primary ? '**' : ''}${code(r.name)}${r.primary ? '**' : ''}`;
    const where = files.size > 1 ? ` <sub>${text(r.file)}</sub>` : '';
    const cells = [`${name}${where}`, cell(r.value)];
    if (withBase) cells.push(cell(r.base), deltaCell(r.value, r.base, r.goal));
    if (withProd) cells.push(cell(r.production), deltaCell(r.value, r.production, r.goal));
    return cells;
  });
  const aligns = headers.map((_, i): Align => (i === 0 ? 'left' : 'right'));
  const hidden = section.rows.length - rows.length;
  const more =
    hidden > 0 ? `\n\n${hidden} unchanged metric${hidden === 1 ? '' : 's'} not shown.` : '';
  const source = files.size === 1 ? `\n\n<sub>${text([...files][0]!)}</sub>` : '';
  return `#### Metrics\n\n${table(headers, aligns, body)}${source}${more}`;
}

function json(v: unknown): string {
  const s = JSON.stringify(v) ?? 'null';
  return code(s.length > 80 ? `${s.slice(0, 79)}…` : s);
}

export function renderParams(section: ParamsSection, detail: Detail): string {
  const rows = section.rows.filter((r) => JSON.stringify(r.value) !== JSON.stringify(r.base));
  if (rows.length === 0) return '';
  const shown = detail === 'full' ? rows : rows.slice(0, 30);
  const files = new Set(rows.map((r) => r.file));
  const body = shown.map((r) => [
    `${code(r.name)}${files.size > 1 ? ` <sub>${text(r.file)}</sub>` : ''}`,
    json(r.value),
    r.base === undefined ? '*new*' : json(r.base),
  ]);
  const more =
    rows.length > shown.length
      ? `\n\n${rows.length - shown.length} more changed params not shown.`
      : '';
  return `#### Params\n\n${table(['Param', 'This PR', text(section.baseRef)], ['left', 'left', 'left'], body)}${more}`;
}
