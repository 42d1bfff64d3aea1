import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { parse } from 'yaml';
import { memoryReader } from '../../test/support/memory-repo.ts';
import { projectRoot } from '../../test/support/temp.ts';
import { readValues } from '../metrics/read.ts';
import type { RunRecord } from '../pipeline/run/record.ts';
import { PyFloat } from '../python.ts';
import { loadRepo } from '../spec/load.ts';
import type { Model } from '../spec/schema/model.ts';
import {
  cardMetrics,
  modelCardPath,
  renderModelCard,
  type CardRun,
  type ModelCardInput,
} from './card.ts';

/** models/penguins.yaml, loaded as `gitops-ml` loads it. */
async function penguinsModel(): Promise<Model> {
  const file = 'models/penguins.yaml';
  const { repo } = await loadRepo(
    memoryReader({ [file]: readFileSync(join(projectRoot, file), 'utf8') }),
  );
  const model = repo.models.find((m) => m.source.file === file);
  if (!model || model.partial) throw new Error(`${file} did not load`);
  return model.data;
}

/** What examples/penguins/evaluate.mjs writes to metrics/penguins.json. */
const PENGUINS_METRICS = `{
  "accuracy": 0.9855,
  "macro_f1": 0.9829,
  "log_loss": 0.07,
  "test_rows": 69,
  "per_class_f1": {
    "Adelie": 0.9836,
    "Chinstrap": 0.9651,
    "Gentoo": 1
  }
}
`;

function penguinsMetrics() {
  const read = readValues('metrics/penguins.json', PENGUINS_METRICS);
  if (!read.ok) throw new Error(read.error);
  return cardMetrics(read.value);
}

async function penguinsInput(): Promise<ModelCardInput> {
  return {
    model: await penguinsModel(),
    metrics: penguinsMetrics(),
    version: 'v1.3.0',
    params: {
      seed: 42,
      'split.test': 0.25,
      'train.lr': 0.5,
      'train.epochs': 300,
      'train.l2': 0.001,
    },
    run: {
      id: '20261125T104612Z-7f3a',
      finishedAt: '2026-11-25T10:46:26.402Z',
      seconds: 14.2,
      git: { commit: 'c9f9a62e0b7d4f1a2c3b4d5e6f708192a3b4c5d6' },
      runner: { class: 'cpu' },
      gpus: [],
      cost: { currency: 'USD', amount: 0.02 },
    },
    data: [
      { name: 'raw', path: 'data/penguins.json', rows: 344, passed: 11, failed: 0 },
      { name: 'test', path: 'data/prepared/test.csv', rows: 69, passed: 1, failed: 0 },
    ],
    baselines: { production: { accuracy: 0.9783 } },
  };
}

/** The front matter, parsed, and the Markdown after it. */
function split(card: string): { meta: Record<string, unknown>; body: string } {
  const match = /^---\n([\s\S]*?\n)---\n([\s\S]*)$/.exec(card);
  if (!match) throw new Error('no front matter');
  return { meta: parse(match[1]!, { version: '1.1' }) as Record<string, unknown>, body: match[2]! };
}

interface IndexMetric {
  type: string;
  value: number;
  name: string;
}
function indexMetrics(meta: Record<string, unknown>): IndexMetric[] {
  const index = meta['model-index'] as { results: { metrics: IndexMetric[] }[] }[];
  return index[0]!.results[0]!.metrics;
}

/** The lines of the Markdown table under a heading. */
function tableUnder(body: string, heading: string): string[] {
  const start = body.indexOf(`${heading}\n`);
  if (start < 0) throw new Error(`no ${heading}`);
  const lines = body.slice(start).split('\n').slice(4);
  const end = lines.findIndex((l) => !l.startsWith('|'));
  return end < 0 ? lines : lines.slice(0, end);
}

describe('renderModelCard', () => {
  it('renders the penguins card', async () => {
    await expect(renderModelCard(await penguinsInput())).toMatchFileSnapshot(
      './__snapshots__/penguins-card.md',
    );
  });

  it('writes Hugging Face front matter whose model-index holds the metrics', async () => {
    const input = await penguinsInput();
    const { meta } = split(renderModelCard(input));
    expect(meta).toMatchObject({
      license: 'apache-2.0',
      pipeline_tag: 'tabular-classification',
      tags: ['tabular-classification', 'penguins', 'gitops-ml'],
      datasets: ['palmer-penguins'],
      metrics: ['accuracy', 'macro_f1', 'log_loss'],
    });
    const [entry] = meta['model-index'] as Record<string, unknown>[];
    expect(entry).toMatchObject({
      name: 'penguins-classifier',
      results: [
        {
          task: { type: 'tabular-classification', name: 'Tabular Classification' },
          dataset: { type: 'palmer-penguins', name: 'palmer-penguins' },
        },
      ],
    });
    const metrics = indexMetrics(meta);
    expect(metrics.map((m) => m.type)).toEqual([
      'accuracy',
      'macro_f1',
      'log_loss',
      'per_class_f1.Adelie',
      'per_class_f1.Chinstrap',
      'per_class_f1.Gentoo',
      'test_rows',
    ]);
    expect(Object.fromEntries(metrics.map((m) => [m.name, m.value]))).toEqual(input.metrics);
  });

  it('writes floats that PyYAML and YAML 1.2 both read as numbers', async () => {
    const model = await penguinsModel();
    const card = renderModelCard({ model, metrics: { accuracy: 1e-7, log_loss: -2.5e21 } });
    expect(card).toContain('value: 1.0e-7');
    const values = indexMetrics(split(card).meta).map((m) => m.value);
    expect(values).toEqual([1e-7, -2.5e21]);
    expect(indexMetrics(parse(card.split('---\n')[1]!) as Record<string, unknown>)).toHaveLength(2);
  });

  it('leaves missing, textual and non-finite values out of model-index but shows them', async () => {
    const model = await penguinsModel();
    const card = renderModelCard({
      model,
      metrics: { accuracy: 0.9, log_loss: null, note: 'warm start', inf: Infinity },
    });
    const { meta, body } = split(card);
    expect(indexMetrics(meta).map((m) => m.type)).toEqual(['accuracy']);
    expect(tableUnder(body, '## Evaluation')).toEqual([
      '| **`accuracy`** | **0.9** | maximize |',
      '| `macro_f1` | — | maximize |',
      '| `log_loss` | — | minimize |',
      '| `inf` | ∞ |  |',
      '| `note` | `warm start` |  |',
    ]);
  });

  it('escapes hostile strings so they neither format, run nor break tables', async () => {
    const model = await penguinsModel();
    const hostile = 'a | b <script>alert(1)</script>\n---\n`x` @team [l](http://e)';
    const card = renderModelCard({
      model: {
        ...model,
        description: hostile,
        card: { ...model.card, intendedUse: hostile, datasets: ['pw|ned\n---'] },
      },
      metrics: { accuracy: 0.99, [hostile]: 1, 'x|y': 'a|b\nc' },
      params: { [hostile]: hostile },
      run: { id: hostile, git: { commit: '$(rm -rf ~)' }, runner: { class: '<b>gpu</b>' } },
      data: [{ name: hostile, path: hostile, rows: 1, passed: 0, failed: 1 }],
    });
    const { meta, body } = split(card);
    // Code spans show their text literally; everywhere else nothing may be markup.
    const outsideCode = body.replace(/(`+).*?(?<!`)\1(?!`)/g, '');
    expect(outsideCode).not.toMatch(/<script|<b>|\]\(http|@team/);
    expect(outsideCode).toContain(
      'a &#124; b &lt;script&gt;alert(1)&lt;/script&gt; --- &#96;x&#96;',
    );
    expect(body).not.toContain('rm -rf');
    expect(body.split('\n').filter((l) => l === '---')).toEqual([]);
    expect(tableUnder(body, '## Evaluation').map((l) => l.split('|').length)).toEqual([
      5, 5, 5, 5, 5,
    ]);
    expect(tableUnder(body, '## Parameters').map((l) => l.split('|').length)).toEqual([4]);
    expect(
      tableUnder(body, 'Data validation before training:').map((l) => l.split('|').length),
    ).toEqual([5]);
    expect(body).toContain('```sh\ngitops-ml run penguins\n```');
    // The front matter keeps the strings exactly, as data.
    expect(indexMetrics(meta).map((m) => m.name)).toContain(hostile);
    expect(meta.datasets).toEqual(['pw|ned\n---']);
  });

  it('is deterministic: the order of the input keys does not matter', async () => {
    const input = await penguinsInput();
    const reversed = {
      ...input,
      metrics: Object.fromEntries(Object.entries(input.metrics).reverse()),
      params: Object.fromEntries(Object.entries(input.params ?? {}).reverse()),
    };
    expect(renderModelCard(reversed)).toBe(renderModelCard(input));
  });

  it('shows gates that fail, and gates with nothing to compare with', async () => {
    const model = await penguinsModel();
    const failing = renderModelCard({
      model,
      metrics: { accuracy: 0.95 },
      baselines: { production: { accuracy: 0.97 } },
    });
    expect(tableUnder(split(failing).body, '## Gates')).toEqual([
      '| ✅ passed | `accuracy` | min 0.9 | 0.95 |  |',
      '| ❌ failed | `accuracy` | not worse than production (tolerance 0.01) | 0.95 | compared with 0.97; worse than production (0.97) |',
    ]);
    const scoped = renderModelCard({
      model: {
        ...model,
        environments: { production: { gates: [{ metric: 'log_loss', max: 0.1 }] } },
      },
      metrics: { accuracy: 0.95, log_loss: 0.07 },
    });
    expect(split(scoped).body).toContain('|  | Applies to | Metric | Rule | Value | Note |');
    expect(tableUnder(split(scoped).body, '## Gates')[2]).toBe(
      '| ✅ passed | `production` | `log_loss` | max 0.1 | 0.07 |  |',
    );
    const first = renderModelCard({ model, metrics: { accuracy: 0.85 } });
    expect(tableUnder(split(first).body, '## Gates')).toEqual([
      '| ❌ failed | `accuracy` | min 0.9 | 0.85 | below the minimum 0.9 |',
      '| ⚪ skipped | `accuracy` | not worse than production (tolerance 0.01) | 0.85 | no production value to compare with |',
    ]);
  });

  it('leaves out what it was not given', async () => {
    const model = await penguinsModel();
    const { body } = split(
      renderModelCard({ model: { ...model, gates: [], card: {} }, metrics: { accuracy: 0.9 } }),
    );
    expect(body.match(/^## .*/gm)).toEqual(['## Evaluation', '## How to reproduce']);
  });
});

describe('modelCardPath', () => {
  it('puts the card next to a file artifact', () => {
    expect(modelCardPath({ artifact: 'models/penguins/model.json' })).toBe(
      'models/penguins/README.md',
    );
    expect(modelCardPath({ artifact: './models//digits/model.pt' })).toBe(
      'models/digits/README.md',
    );
  });

  it('puts the card beside a directory artifact and a file at the root', () => {
    expect(modelCardPath({ artifact: 'models/bert' })).toBe('models/bert.README.md');
    expect(modelCardPath({ artifact: 'models/bert/' })).toBe('models/bert.README.md');
    expect(modelCardPath({ artifact: 'models/v1.2' }, { directory: true })).toBe(
      'models/v1.2.README.md',
    );
    expect(modelCardPath({ artifact: 'models/weights' }, { directory: false })).toBe(
      'models/README.md',
    );
    expect(modelCardPath({ artifact: 'model.pkl' })).toBe('model.pkl.README.md');
  });
});

describe('cardMetrics', () => {
  it('flattens a metrics file as `dvc metrics` does, numbers as numbers', () => {
    expect(
      cardMetrics({
        acc: new PyFloat(1),
        test: { f1: 0.5, n: 3 },
        ok: true,
        hist: [1, 2],
        note: 'x',
        none: null,
      }),
    ).toEqual({
      acc: 1,
      'test.f1': 0.5,
      'test.n': 3,
      ok: 'True',
      hist: '[1, 2]',
      note: 'x',
      none: null,
    });
    expect(cardMetrics([1, 2])).toEqual({});
  });

  it('takes a run record as it is', () => {
    expectTypeOf<RunRecord>().toExtend<CardRun>();
  });
});
