import type { Chart } from './data.ts';
import { shortNumber, thin } from './scale.ts';

const quote = (s: string) => `"${s.replace(/"/g, "'")}"`;

/**
 * A chart GitHub renders from the Markdown itself: a mermaid xychart for lines and bars, a table
 * for a confusion matrix (mermaid has no heatmap). Nothing is uploaded anywhere.
 */
export function renderMarkdownChart(chart: Chart, maxPoints = 40): string {
  if (chart.kind === 'confusion') {
    const { labels, counts, normalized } = chart.matrix!;
    const fmt = (v: number) => (normalized ? v.toFixed(2) : String(v));
    const head = `| ${chart.xLabel} \\ ${chart.yLabel} | ${labels.join(' | ')} |`;
    const rule = `|---|${labels.map(() => '---:').join('|')}|`;
    const rows = counts.map(
      (row, i) =>
        `| **${labels[i]}** | ${row.map((v, j) => (i === j ? `**${fmt(v)}**` : fmt(v))).join(' | ')} |`,
    );
    return [`**${chart.title}**`, '', head, rule, ...rows, ''].join('\n');
  }
  const xs = [...new Set(chart.series.flatMap((s) => s.points.map(([x]) => x)))];
  const shownX = thin(xs, maxPoints);
  const ys = chart.series.flatMap((s) => s.points.map(([, y]) => y));
  const lo = Math.min(...ys, chart.kind === 'bar' ? 0 : Infinity);
  const hi = Math.max(...ys);
  const lines = [
    '```mermaid',
    'xychart-beta',
    `    title ${quote(chart.title)}`,
    `    x-axis ${quote(chart.xLabel)} [${shownX.map((x) => quote(typeof x === 'number' ? shortNumber(x) : x)).join(', ')}]`,
    `    y-axis ${quote(chart.yLabel)} ${shortNumber(lo)} --> ${shortNumber(hi === lo ? hi + 1 : hi)}`,
  ];
  for (const s of chart.series) {
    const byX = new Map(s.points.map(([x, y]) => [x, y]));
    const values = shownX.map((x) => byX.get(x) ?? 0);
    lines.push(
      `    ${chart.kind === 'bar' ? 'bar' : 'line'} [${values.map(shortNumber).join(', ')}]`,
    );
  }
  lines.push('```');
  const legend =
    chart.series.length > 1
      ? `\n\n${chart.series.map((s, i) => `${i + 1}. ${s.name}`).join('  ')}`
      : '';
  return lines.join('\n') + legend + '\n';
}
