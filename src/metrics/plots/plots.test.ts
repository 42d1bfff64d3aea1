import { describe, expect, it } from 'vitest';
import { chartOf, readRows } from './data.ts';
import { renderPlot, svgPathFor } from './index.ts';
import { niceTicks } from './scale.ts';

const confusionCsv =
  'actual,predicted,count\nAdelie,Adelie,38\nAdelie,Chinstrap,0\nAdelie,Gentoo,0\nChinstrap,Adelie,1\nChinstrap,Chinstrap,16\nChinstrap,Gentoo,0\nGentoo,Adelie,0\nGentoo,Chinstrap,0\nGentoo,Gentoo,31\n';

/** Tags open and close in order: enough to catch broken markup. */
function wellFormed(svg: string): boolean {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    if (m[3]) continue;
    if (m[1]) {
      if (stack.pop() !== m[2]) return false;
    } else stack.push(m[2]!);
  }
  return stack.length === 0;
}

describe('plots', () => {
  it('reads CSV, TSV and JSON records', () => {
    expect(readRows('a.tsv', 'x\ty\n1\t0.5\n2\tn/a\n')).toEqual([
      { x: 1, y: 0.5 },
      { x: 2, y: 'n/a' },
    ]);
    expect(readRows('a.json', '{"roc": [{"fpr": 0, "tpr": 0}, {"fpr": 1, "tpr": 1}]}')).toEqual([
      { fpr: 0, tpr: 0 },
      { fpr: 1, tpr: 1 },
    ]);
    expect(readRows('a.json', '[{"a": {"b": 1}}]')).toEqual([{ a: '{"b":1}' }]);
  });

  it('draws a confusion matrix from counted rows, as a table and an SVG heatmap', () => {
    const plot = renderPlot(
      {
        path: 'plots/confusion.csv',
        template: 'confusion',
        x: 'actual',
        y: 'predicted',
        title: 'Confusion',
      },
      confusionCsv,
    );
    expect(plot.chart.matrix).toEqual({
      labels: ['Adelie', 'Chinstrap', 'Gentoo'],
      counts: [
        [38, 0, 0],
        [1, 16, 0],
        [0, 0, 31],
      ],
      normalized: false,
    });
    expect(plot.markdown).toBe(
      [
        '**Confusion**',
        '',
        '| actual \\ predicted | Adelie | Chinstrap | Gentoo |',
        '|---|---:|---:|---:|',
        '| **Adelie** | **38** | 0 | 0 |',
        '| **Chinstrap** | 1 | **16** | 0 |',
        '| **Gentoo** | 0 | 0 | **31** |',
        '',
      ].join('\n'),
    );
    expect(wellFormed(plot.svg)).toBe(true);
    expect(plot.svg.match(/<rect x=/g)).toHaveLength(9);
    expect(plot.svg).toContain('>38</text>');
  });

  it('counts one row per observation when there is no count column, and normalizes rows', () => {
    const chart = chartOf(
      { path: 'p.csv', template: 'confusion_normalized' },
      readRows('p.csv', 'actual,predicted\na,a\na,b\nb,b\nb,b\n'),
    );
    expect(chart.matrix!.counts).toEqual([
      [0.5, 0.5],
      [0, 1],
    ]);
  });

  it('draws lines as a mermaid xychart and an SVG polyline per series', () => {
    const plot = renderPlot(
      { path: 'loss.csv', x: 'epoch', y: ['train', 'val'], title: 'Loss' },
      'epoch,train,val\n1,0.9,1.0\n2,0.5,0.7\n3,0.3,0.6\n',
    );
    expect(plot.markdown).toBe(
      [
        '```mermaid',
        'xychart-beta',
        '    title "Loss"',
        '    x-axis "epoch" ["1", "2", "3"]',
        '    y-axis "value" 0.3 --> 1',
        '    line [0.9, 0.5, 0.3]',
        '    line [1, 0.7, 0.6]',
        '```',
        '',
        '1. train  2. val',
        '',
      ].join('\n'),
    );
    expect(wellFormed(plot.svg)).toBe(true);
    expect(plot.svg.match(/<polyline/g)).toHaveLength(2);
  });

  it('keeps a long series readable in Markdown', () => {
    const rows = Array.from({ length: 500 }, (_, i) => `${i},${Math.sin(i / 20)}`).join('\n');
    const plot = renderPlot({ path: 'a.csv', x: 'step', y: 'v' }, `step,v\n${rows}\n`);
    const xAxis = plot.markdown.split('\n').find((l) => l.includes('x-axis'))!;
    expect(xAxis.split(',').length).toBe(40);
    expect(xAxis).toContain('"499"');
  });

  it('picks nice ticks and names the SVG after the data', () => {
    expect(niceTicks(0, 0.93)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(niceTicks(3, 3)).toEqual([2.6, 2.8, 3, 3.2, 3.4]);
    expect(svgPathFor('plots/penguins/confusion.csv')).toBe('plots/penguins/confusion.svg');
  });
});
