import { chartOf, readRows, type Chart, type PlotSpec } from './data.ts';
import { renderMarkdownChart } from './markdown.ts';
import { renderSvg } from './svg.ts';

export type { Chart, PlotSpec } from './data.ts';

export interface RenderedPlot {
  chart: Chart;
  svg: string;
  markdown: string;
}

/** Read a plot file and draw it both ways: an SVG file to commit, and Markdown for a comment. */
export function renderPlot(spec: PlotSpec, text: string): RenderedPlot {
  const chart = chartOf(spec, readRows(spec.path, text));
  return { chart, svg: renderSvg(chart), markdown: renderMarkdownChart(chart) };
}

/** Where the SVG of a plot goes: beside its data (`plots/roc.csv` → `plots/roc.svg`). */
export function svgPathFor(path: string): string {
  return path.replace(/\.[^./]+$/, '') + '.svg';
}
