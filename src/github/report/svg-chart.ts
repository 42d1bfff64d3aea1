import type { DataChart } from './model.ts';
import { formatNumber } from './markdown.ts';

const WIDTH = 640;
const HEIGHT = 320;
const MARGIN = { top: 36, right: 16, bottom: 48, left: 56 };
const COLORS = [
  '#0969da',
  '#bc4c00',
  '#1a7f37',
  '#8250df',
  '#cf222e',
  '#4d2d00',
  '#0550ae',
  '#953800',
];

function xml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function ticks(min: number, max: number, count: number): number[] {
  const step = (max - min) / count;
  return Array.from({ length: count + 1 }, (_, i) => min + i * step);
}

/**
 * A self-contained SVG line or bar chart (no scripts, no external fonts or images), small enough
 * to commit next to the report and show with a repository URL.
 */
export function renderSvgChart(chart: DataChart): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const values = chart.series.flatMap((s) =>
    s.values.filter((v): v is number => typeof v === 'number'),
  );
  let min = values.length ? Math.min(...values) : 0;
  let max = values.length ? Math.max(...values) : 1;
  if (chart.kind === 'bar') min = Math.min(0, min);
  if (min === max) [min, max] = [min - 1, max + 1];
  const n = chart.x.length;
  const xAt = (i: number) =>
    MARGIN.left +
    (n === 1 ? plotW / 2 : chart.kind === 'bar' ? ((i + 0.5) * plotW) / n : (i * plotW) / (n - 1));
  const yAt = (v: number) => MARGIN.top + plotH - ((v - min) / (max - min)) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${xml(chart.title)}</text>`,
  ];
  for (const t of ticks(min, max, 4)) {
    const y = yAt(t).toFixed(1);
    out.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y}" y2="${y}" stroke="#d0d7de"/>`,
    );
    out.push(
      `<text x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${xml(formatNumber(Number(t.toPrecision(3))))}</text>`,
    );
  }
  const every = Math.max(1, Math.ceil(n / 10));
  chart.x.forEach((x, i) => {
    if (i % every !== 0 && i !== n - 1) return;
    const label = typeof x === 'number' ? formatNumber(Number(x.toPrecision(3))) : x;
    out.push(
      `<text x="${xAt(i).toFixed(1)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${xml(label)}</text>`,
    );
  });
  if (chart.xLabel)
    out.push(
      `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 8}" text-anchor="middle">${xml(chart.xLabel)}</text>`,
    );
  if (chart.yLabel)
    out.push(
      `<text transform="translate(14 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${xml(chart.yLabel)}</text>`,
    );
  const barW = chart.kind === 'bar' ? (plotW / n / chart.series.length) * 0.8 : 0;
  chart.series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length]!;
    if (chart.kind === 'bar') {
      s.values.forEach((v, i) => {
        if (typeof v !== 'number') return;
        const x = xAt(i) - (barW * chart.series.length) / 2 + k * barW;
        const y = Math.min(yAt(v), yAt(0));
        out.push(
          `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${Math.abs(yAt(v) - yAt(0)).toFixed(1)}" fill="${color}"/>`,
        );
      });
    } else {
      const points = s.values
        .map((v, i) =>
          typeof v === 'number' ? `${xAt(i).toFixed(1)},${yAt(v).toFixed(1)}` : undefined,
        )
        .filter(Boolean)
        .join(' ');
      out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points}"/>`);
    }
    out.push(
      `<rect x="${MARGIN.left + k * 110}" y="${HEIGHT - 22}" width="10" height="10" fill="${color}"/>`,
      `<text x="${MARGIN.left + k * 110 + 14}" y="${HEIGHT - 13}">${xml(s.name.slice(0, 16))}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
