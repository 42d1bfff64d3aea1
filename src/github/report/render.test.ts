import { describe, expect, it } from 'vitest';
import { penguinsReport } from '../../../test/support/report-data.ts';
import { COMMENT_BUDGET, fitReport } from './fit.ts';
import { code, formatNumber, text } from './markdown.ts';
import { ReportModel, type ReportModelInput } from './model.ts';
import { headline, renderReport } from './render.ts';
import { mermaidChart, sampleIndices } from './sections/charts.ts';
import { deltaCell } from './sections/metrics.ts';
import { renderSvgChart } from './svg-chart.ts';

const ctx = {
  repoUrl: 'https://github.com/acme/ml',
  sha: 'a'.repeat(40),
  runUrl: 'https://github.com/acme/ml/actions/runs/42',
  version: '0.1.0',
};

function model(input: Partial<ReportModelInput> = {}): ReportModel {
  return ReportModel.parse(penguinsReport(input));
}

describe('renderReport', () => {
  it('renders every section of a realistic report', async () => {
    await expect(renderReport(model(), ctx, { detail: 'full' })).toMatchFileSnapshot(
      './__snapshots__/penguins-full.md',
    );
  });

  it('leaves out every section that is absent, and nothing else', () => {
    const bare = ReportModel.parse({ version: 1, pipeline: 'churn', status: 'neutral' });
    expect(renderReport(bare, ctx, { detail: 'full' })).toBe(
      '### ⚪ `churn`\n\n<sub>gitops-ml 0.1.0 · [workflow run](https://github.com/acme/ml/actions/runs/42)</sub>\n',
    );
    const onlyMetrics = renderReport(
      ReportModel.parse({
        version: 1,
        pipeline: 'churn',
        status: 'failure',
        metrics: {
          baseRef: 'main',
          rows: [{ file: 'm.json', name: 'auc', value: 0.8, base: 0.85, goal: 'maximize' }],
        },
      }),
      {},
      { detail: 'full' },
    );
    expect(onlyMetrics.match(/^#### .*/gm)).toEqual(['#### Metrics']);
    expect(onlyMetrics).toContain('| `auc` | 0.8 | 0.85 | 🔴 −0.05 (−5.9%) |');
    expect(onlyMetrics).not.toContain('production');
  });

  it('puts the primary metric first and sums it up in the headline', () => {
    expect(headline(model())).toBe(
      '`accuracy` 0.9855 (🟢 +0.0145 (+1.5%) vs main, 🟢 +0.0072 (+0.7%) vs production) · 6/7 data checks passed · 2 gates passed · 48 min on `gpu` · $2.06',
    );
  });

  it('shows failed checks and gates openly', () => {
    const failing = model({
      status: 'failure',
      gates: [
        {
          model: 'penguins-classifier',
          metric: 'accuracy',
          rule: 'min 0.99',
          value: 0.9855,
          passed: false,
        },
      ],
      validation: {
        datasets: [
          {
            name: 'raw',
            checks: [
              {
                name: 'species in set',
                kind: 'in',
                column: 'species',
                passed: false,
                failures: 3,
                sample: ['Emperor', 'King'],
              },
            ],
          },
        ],
      },
    });
    const md = renderReport(failing, ctx, { detail: 'compact' });
    expect(md).toContain('### ❌ `penguins`');
    expect(md).toContain('| ❌ | `penguins-classifier` | `accuracy` | min 0.99 | 0.9855 |');
    expect(md).toContain('| ❌ | `raw` | species in set | 3 rows · e.g. `Emperor`, `King` |');
    expect(headline(failing)).toContain('1 of 1 data checks failed · 1 gate failed');
  });

  it('renders producer text inert: no mentions, HTML, links or broken tables', () => {
    const hostile = '@acme/admins <!-- x --> [click](https://evil.example) | `rm -rf /` $(id)';
    const md = renderReport(
      ReportModel.parse({
        version: 1,
        pipeline: 'p',
        status: 'success',
        metrics: { baseRef: 'main', rows: [{ file: 'm.json', name: hostile, value: hostile }] },
        validation: {
          datasets: [
            {
              name: 'd',
              checks: [{ name: hostile, kind: 'sql', passed: false, message: hostile }],
            },
          ],
        },
      }),
      {},
      { detail: 'full' },
    );
    // Outside code spans (where GitHub renders everything literally) nothing is live.
    const outsideCode = md.replace(/(`+)[^`][\s\S]*?\1/g, '');
    expect(outsideCode).not.toMatch(/@acme|<!--|\]\(https:\/\/evil/);
    expect(text(hostile)).toBe(
      '&#64;acme/admins &lt;&#33;-- x --&gt; &#91;click&#93;(https&#58;//evil.example) &#124; &#96;rm -rf /&#96; $(id)',
    );
    expect(code(hostile)).toBe(
      '``@acme/admins <!-- x --> [click](https://evil.example) ¦ `rm -rf /` $(id)``',
    );
    // Every table row still has exactly its columns.
    for (const row of md.split('\n').filter((l) => l.startsWith('| ❌')))
      expect(row.split(' | ')).toHaveLength(4);
  });
});

describe('metric deltas', () => {
  it('colours by goal and leaves goal-less metrics uncoloured', () => {
    expect(deltaCell(0.2, 0.25, 'minimize')).toBe('🟢 −0.05 (−20%)');
    expect(deltaCell(0.2, 0.25, 'maximize')).toBe('🔴 −0.05 (−20%)');
    expect(deltaCell(12, 10, undefined)).toBe('+2 (+20%)');
    expect(deltaCell(1, 0, 'maximize')).toBe('🟢 +1');
    expect(deltaCell(3, 3, 'maximize')).toBe('0');
    expect(deltaCell('a', 1, 'maximize')).toBe('—');
    expect(deltaCell(1, null, 'maximize')).toBe('—');
  });

  it('formats numbers for people', () => {
    expect([0.98554321, 1234567, 0.00001234, -0.5, 42].map(formatNumber)).toEqual([
      '0.985543',
      '1.235e+6',
      '1.234e−5',
      '−0.5',
      '42',
    ]);
  });
});

describe('fitting a comment', () => {
  const huge = () =>
    model({
      metrics: {
        baseRef: 'main',
        rows: Array.from({ length: 3000 }, (_, i) => ({
          file: 'metrics/per_class.json',
          name: `class_${i}.recall`,
          value: 0.5 + (i % 7) / 100,
          base: 0.5 + (i % 5) / 100,
          goal: 'maximize' as const,
        })),
      },
    });

  it('keeps a report that fits as it is', () => {
    const fitted = fitReport(model(), ctx, { budget: COMMENT_BUDGET, note: 'NOTE' });
    expect(fitted.shortened).toBe(false);
    expect(fitted.body).toBe(renderReport(model(), ctx, { detail: 'full' }));
  });

  it('shortens a report that does not, and links to the full one', () => {
    const full = renderReport(huge(), ctx, { detail: 'full' });
    expect(full.length).toBeGreaterThan(COMMENT_BUDGET);
    const fitted = fitReport(huge(), ctx, {
      budget: COMMENT_BUDGET,
      note: '**Full report**: [link](x)',
    });
    expect(fitted.shortened).toBe(true);
    expect(fitted.body.length).toBeLessThanOrEqual(COMMENT_BUDGET);
    expect(fitted.body).toContain('**Full report**: [link](x)');
    expect(fitted.body).toContain('2980 unchanged metrics not shown.');
  });

  it('cuts at a line when even the compact form is too long', () => {
    const fitted = fitReport(huge(), ctx, { budget: 1500, note: 'NOTE' });
    expect(fitted.body.length).toBeLessThanOrEqual(1500);
    expect(fitted.body.endsWith('\n\nNOTE')).toBe(true);
  });
});

describe('charts', () => {
  it('draws a Mermaid xychart, at most 40 points, quotes made harmless', () => {
    const chart = {
      title: 'ROC "test"',
      kind: 'line' as const,
      xLabel: 'fpr',
      x: [0, 0.5, 1],
      series: [{ name: 'model', values: [0, 0.8, 1] }],
    };
    expect(mermaidChart(chart)).toBe(
      [
        '```mermaid',
        'xychart-beta',
        '  title "ROC  test "',
        '  x-axis "fpr" [0, 0.5, 1]',
        '  y-axis -0.05 --> 1.05',
        '  line [0, 0.8, 1]',
        '```',
      ].join('\n'),
    );
    expect(sampleIndices(100, 40)).toHaveLength(40);
    expect(sampleIndices(100, 40).at(-1)).toBe(99);
  });

  it('draws a self-contained SVG with escaped text', () => {
    const svg = renderSvgChart({
      title: 'loss <script>',
      kind: 'bar',
      x: ['a', 'b'],
      series: [
        { name: 'train', values: [1, 2] },
        { name: 'val', values: [1.5, null] },
      ],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('loss &lt;script&gt;');
    expect(svg).not.toMatch(/<script|href=|<image/);
    // Two bars for train; val's missing point draws nothing.
    expect(svg.match(/<rect [^>]*fill="#1f77b4"/g)).toHaveLength(3); // 2 bars + legend
    expect(svg.match(/<rect [^>]*fill="#ff7f0e"/g)).toHaveLength(2); // 1 bar + legend
  });
});
