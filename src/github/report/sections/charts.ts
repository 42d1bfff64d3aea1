import { posix } from 'node:path';
import type { Chart, DataChart } from '../model.ts';
import { text } from '../markdown.ts';
import type { RenderContext } from '../render-context.ts';

/** Mermaid xycharts get unreadable beyond a few dozen points; keep the shape, drop the rest. */
const MAX_POINTS = 40;

export function isDataChart(chart: Chart): chart is DataChart {
  return 'series' in chart;
}

/** Indices of at most `max` points, evenly spread, first and last always kept. */
export function sampleIndices(length: number, max: number): number[] {
  if (length <= max) return Array.from({ length }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.round((i * (length - 1)) / (max - 1)));
}

/** A string safe inside a Mermaid double-quoted label. */
function label(s: string): string {
  return `"${s.replace(/["\\\n\r`]/g, ' ').replace(/[<>]/g, '')}"`;
}

function axisValue(v: number | string): string {
  return typeof v === 'number' ? String(Number(v.toPrecision(4))) : label(v);
}

/** A Mermaid `xychart-beta` block GitHub renders natively: no image leaves the repository. */
export function mermaidChart(chart: DataChart): string {
  const usable = chart.x
    .map((_, i) => i)
    .filter((i) => chart.series.every((s) => typeof s.values[i] === 'number'));
  const picked = sampleIndices(usable.length, MAX_POINTS).map((k) => usable[k]!);
  const values = chart.series.flatMap((s) => picked.map((i) => s.values[i]!));
  const lines = ['```mermaid', 'xychart-beta', `  title ${label(chart.title)}`];
  lines.push(
    `  x-axis ${chart.xLabel ? `${label(chart.xLabel)} ` : ''}[${picked.map((i) => axisValue(chart.x[i]!)).join(', ')}]`,
  );
  if (values.length) {
    const min = Math.min(...values);
    const max = Math.max(...values);
    const pad = (max - min || Math.abs(max) || 1) * 0.05;
    const lo = Number((min - pad).toPrecision(4));
    const hi = Number((max + pad).toPrecision(4));
    lines.push(`  y-axis ${chart.yLabel ? `${label(chart.yLabel)} ` : ''}${lo} --> ${hi}`);
  }
  for (const s of chart.series)
    lines.push(
      `  ${chart.kind} [${picked.map((i) => String(Number(s.values[i]!.toPrecision(6)))).join(', ')}]`,
    );
  lines.push('```');
  return lines.join('\n');
}

/** Where a committed file is seen from the report: relative to it, or at the commit on GitHub. */
export function fileUrl(path: string, ctx: RenderContext): string | undefined {
  const encode = (p: string) => p.split('/').map(encodeURIComponent).join('/');
  if (ctx.relativeTo !== undefined) return encode(posix.relative(ctx.relativeTo, path));
  if (!ctx.repoUrl || !ctx.sha) return undefined;
  return `${ctx.repoUrl}/blob/${ctx.sha}/${encode(path)}?raw=true`;
}

/**
 * Charts as Markdown: data charts inline as Mermaid, SVG charts as images of files committed to
 * the repository (at `ctx.sha`), so nothing is uploaded to a third-party host.
 */
export function renderCharts(
  charts: readonly Chart[],
  ctx: RenderContext,
  svgFor: (i: number) => string | undefined,
): string {
  const parts: string[] = [];
  charts.forEach((chart, i) => {
    const committed = isDataChart(chart) ? svgFor(i) : chart.svg;
    if (committed !== undefined) {
      const url = fileUrl(committed, ctx);
      parts.push(
        url
          ? `**${text(chart.title)}**\n\n![${text(chart.title)}](${url})`
          : `**${text(chart.title)}**: ${text(committed)}`,
      );
      return;
    }
    if (!isDataChart(chart)) return;
    const legend =
      chart.series.length > 1
        ? `\n\n<sub>${chart.series.map((s) => text(s.name)).join(' · ')} (in drawing order)</sub>`
        : '';
    parts.push(`${mermaidChart(chart)}${legend}`);
  });
  return parts.length ? `#### Charts\n\n${parts.join('\n\n')}` : '';
}
