import type { Chart } from './data.ts';
import { niceTicks, shortNumber } from './scale.ts';

const W = 640;
const H = 400;
const M = { top: 40, right: 140, bottom: 56, left: 64 };
const COLORS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
];

export function escapeXml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const text = (x: number, y: number, s: string, attrs = '') =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}"${attrs}>${escapeXml(s)}</text>`;

function frame(chart: Chart, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    text(W / 2, 22, chart.title, ' text-anchor="middle" font-size="15" font-weight="bold"'),
    ...body,
    text(M.left + (W - M.left - M.right) / 2, H - 12, chart.xLabel, ' text-anchor="middle"'),
    text(
      16,
      M.top + (H - M.top - M.bottom) / 2,
      chart.yLabel,
      ` text-anchor="middle" transform="rotate(-90 16 ${(M.top + (H - M.top - M.bottom) / 2).toFixed(1)})"`,
    ),
    '</svg>',
    '',
  ].join('\n');
}

function confusion(chart: Chart): string {
  const { labels, counts, normalized } = chart.matrix!;
  const n = labels.length || 1;
  const size = Math.min((W - M.left - M.right) / n, (H - M.top - M.bottom) / n);
  const maxValue = Math.max(1e-9, ...counts.flat());
  const body: string[] = [];
  counts.forEach((row, i) =>
    row.forEach((v, j) => {
      const x = M.left + j * size;
      const y = M.top + i * size;
      const shade = Math.round(255 - (v / maxValue) * 200);
      body.push(
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${size.toFixed(1)}" height="${size.toFixed(1)}" fill="rgb(${shade},${shade},255)" stroke="#ffffff"/>`,
      );
      body.push(
        text(
          x + size / 2,
          y + size / 2 + 4,
          normalized ? v.toFixed(2) : String(v),
          ` text-anchor="middle"${v / maxValue > 0.6 ? ' fill="#ffffff"' : ''}`,
        ),
      );
    }),
  );
  labels.forEach((l, i) => {
    body.push(text(M.left - 6, M.top + i * size + size / 2 + 4, l, ' text-anchor="end"'));
    body.push(
      text(M.left + i * size + size / 2, M.top + n * size + 16, l, ' text-anchor="middle"'),
    );
  });
  return frame({ ...chart, xLabel: chart.yLabel, yLabel: chart.xLabel }, body);
}

function xy(chart: Chart): string {
  const all = chart.series.flatMap((s) => s.points);
  const numericX = all.every(([x]) => typeof x === 'number');
  const categories = numericX ? [] : [...new Set(all.map(([x]) => String(x)))];
  const xs = all.map(([x]) => (numericX ? (x as number) : categories.indexOf(String(x))));
  const ys = all.map(([, y]) => y);
  const yTicks = niceTicks(Math.min(0, ...ys), Math.max(...ys, 0));
  const xTicks = numericX
    ? niceTicks(Math.min(...xs), Math.max(...xs))
    : categories.map((_, i) => i);
  const [x0, x1] = numericX ? [xTicks[0]!, xTicks.at(-1)!] : [-0.5, categories.length - 0.5];
  const [y0, y1] = [yTicks[0]!, yTicks.at(-1)!];
  const px = (x: number) => M.left + ((x - x0) / (x1 - x0 || 1)) * (W - M.left - M.right);
  const py = (y: number) => H - M.bottom - ((y - y0) / (y1 - y0 || 1)) * (H - M.top - M.bottom);
  const body: string[] = [];
  for (const t of yTicks) {
    body.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${py(t).toFixed(1)}" y2="${py(t).toFixed(1)}" stroke="#e5e5e5"/>`,
    );
    body.push(text(M.left - 6, py(t) + 4, shortNumber(t), ' text-anchor="end"'));
  }
  for (const t of xTicks)
    body.push(
      text(
        px(t),
        H - M.bottom + 16,
        numericX ? shortNumber(t) : categories[t]!,
        ' text-anchor="middle"',
      ),
    );
  body.push(
    `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="#333333"/>`,
  );
  body.push(
    `<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#333333"/>`,
  );
  const barWidth =
    (((W - M.left - M.right) / Math.max(1, categories.length || xs.length)) * 0.8) /
    Math.max(1, chart.series.length);
  chart.series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length]!;
    const pts = s.points.map(
      ([x, y]) => [px(numericX ? (x as number) : categories.indexOf(String(x))), py(y)] as const,
    );
    if (chart.kind === 'line') {
      body.push(
        `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ')}"/>`,
      );
    } else if (chart.kind === 'scatter') {
      for (const [a, b] of pts)
        body.push(`<circle cx="${a.toFixed(1)}" cy="${b.toFixed(1)}" r="3" fill="${color}"/>`);
    } else {
      for (const [a, b] of pts) {
        const left = a - (barWidth * chart.series.length) / 2 + k * barWidth;
        body.push(
          `<rect x="${left.toFixed(1)}" y="${b.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(py(y0 < 0 ? 0 : y0) - b).toFixed(1)}" fill="${color}"/>`,
        );
      }
    }
    body.push(
      `<rect x="${W - M.right + 12}" y="${M.top + k * 18}" width="12" height="12" fill="${color}"/>`,
    );
    body.push(text(W - M.right + 30, M.top + k * 18 + 10, s.name));
  });
  return frame(chart, body);
}

/** A self-contained SVG of the chart: no scripts, fonts or remote resources. */
export function renderSvg(chart: Chart): string {
  return chart.kind === 'confusion' ? confusion(chart) : xy(chart);
}
