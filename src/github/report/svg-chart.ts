import { renderSvg } from '../../metrics/plots/svg.ts';
import type { DataChart } from './model.ts';

/**
 * A report's data chart as a self-contained SVG file (no scripts, fonts or remote resources),
 * drawn by the same code as pipeline plots; points without a value are left out.
 */
export function renderSvgChart(chart: DataChart): string {
  return renderSvg({
    kind: chart.kind,
    title: chart.title,
    xLabel: chart.xLabel ?? '',
    yLabel: chart.yLabel ?? '',
    series: chart.series.map((s) => ({
      name: s.name,
      points: chart.x.flatMap((x, i) => {
        const y = s.values[i];
        return typeof y === 'number' ? [[x, y] as [number | string, number]] : [];
      }),
    })),
  });
}
