import type { ReportModelInput } from '../../src/github/report/model.ts';

/**
 * A report as the penguins pipeline produces it on a PR that lowers the learning rate: every
 * section present, numbers from a real run of examples/penguins (softmax regression).
 */
export function penguinsReport(overrides: Partial<ReportModelInput> = {}): ReportModelInput {
  const epochs = Array.from({ length: 30 }, (_, i) => (i + 1) * 10);
  return {
    version: 1,
    pipeline: 'penguins',
    status: 'success',
    commit: { sha: 'c0ffee0000000000000000000000000000000001' },
    run: {
      durationSeconds: 2890,
      stages: [
        { name: 'prepare', status: 'cached' },
        { name: 'train', status: 'ran', durationSeconds: 2700 },
        { name: 'evaluate', status: 'ran', durationSeconds: 190 },
      ],
    },
    metrics: {
      baseRef: 'main',
      production: { environment: 'production', version: 'v1.3.0' },
      rows: [
        {
          file: 'metrics/penguins.json',
          name: 'loss',
          value: 0.0712,
          base: 0.0841,
          production: 0.0803,
          goal: 'minimize',
        },
        {
          file: 'metrics/penguins.json',
          name: 'accuracy',
          value: 0.9855,
          base: 0.971,
          production: 0.9783,
          goal: 'maximize',
          primary: true,
        },
        {
          file: 'metrics/penguins.json',
          name: 'f1_macro',
          value: 0.9829,
          base: 0.9688,
          production: 0.9761,
          goal: 'maximize',
        },
        { file: 'metrics/penguins.json', name: 'test_rows', value: 69, base: 69, production: 69 },
      ],
    },
    params: {
      baseRef: 'main',
      rows: [
        { file: 'params.yaml', name: 'train.lr', value: 0.05, base: 0.1 },
        { file: 'params.yaml', name: 'train.epochs', value: 300, base: 200 },
        { file: 'params.yaml', name: 'seed', value: 7, base: 7 },
        { file: 'params.yaml', name: 'train.l2', value: 0.001 },
      ],
    },
    validation: {
      datasets: [
        {
          name: 'raw',
          path: 'data/penguins.csv',
          rows: 344,
          checks: [
            {
              name: 'species in [Adelie, Chinstrap, Gentoo]',
              kind: 'in',
              column: 'species',
              passed: true,
            },
            { name: 'species not null', kind: 'nullable', column: 'species', passed: true },
            {
              name: 'body_mass_g between 2000 and 7000',
              kind: 'range',
              column: 'body_mass_g',
              passed: true,
            },
            {
              name: 'body_mass_g at most 1% null',
              kind: 'nullable',
              column: 'body_mass_g',
              passed: false,
              severity: 'warning',
              failures: 2,
              message: '0.58% null, over the 0.5% warning level',
            },
            { name: 'rows ≥ 300', kind: 'rows', passed: true },
            { name: 'unique id', kind: 'unique', column: 'id', passed: true },
            { name: 'bill_length_mm < flipper_length_mm', kind: 'sql', passed: true },
          ],
          drift: [
            {
              column: 'bill_length_mm',
              method: 'ks',
              statistic: 0.041,
              threshold: 0.1,
              drifted: false,
            },
            {
              column: 'flipper_length_mm',
              method: 'ks',
              statistic: 0.052,
              threshold: 0.1,
              drifted: false,
            },
          ],
        },
      ],
    },
    gates: [
      {
        model: 'penguins-classifier',
        metric: 'accuracy',
        rule: 'min 0.9',
        value: 0.9855,
        passed: true,
      },
      {
        model: 'penguins-classifier',
        metric: 'accuracy',
        rule: 'not worse than production (tolerance 0.01)',
        value: 0.9855,
        passed: true,
      },
    ],
    gpu: {
      runner: 'gpu',
      durationSeconds: 2890,
      devices: [
        {
          index: 0,
          name: 'NVIDIA H100 80GB HBM3',
          memoryTotalMiB: 81559,
          utilization: { mean: 71.4, max: 98 },
          memoryUsedMiB: { max: 31948 },
          powerW: { mean: 412.5 },
          energyWh: 331.2,
        },
      ],
    },
    cost: {
      currency: 'USD',
      total: 2.06,
      base: 1.71,
      items: [
        { label: 'runner time (gpu)', amount: 2.01, basis: '0.8 h × 2.50/h' },
        { label: 'energy', amount: 0.05, basis: '0.33 kWh × 0.15/kWh' },
      ],
    },
    charts: [
      {
        title: 'Training loss',
        kind: 'line',
        xLabel: 'epoch',
        yLabel: 'cross-entropy',
        x: epochs,
        series: [
          {
            name: 'train',
            values: epochs.map((e) => Number((1.1 * Math.exp(-e / 60) + 0.05).toFixed(4))),
          },
          {
            name: 'validation',
            values: epochs.map((e) => Number((1.1 * Math.exp(-e / 55) + 0.07).toFixed(4))),
          },
        ],
      },
    ],
    annotations: [
      {
        path: 'params.yaml',
        line: 3,
        column: 7,
        endColumn: 11,
        level: 'notice',
        title: 'gitops-ml: penguins',
        message: 'train.lr 0.1 → 0.05: accuracy 0.9855 (+0.0145 vs main)',
      },
      {
        path: 'pipelines/penguins.yaml',
        line: 12,
        level: 'warning',
        title: 'gitops-ml: data check',
        message: 'body_mass_g: 0.58% null, over the 0.5% warning level',
      },
    ],
    files: [
      'metrics/penguins.json',
      'dvc.lock',
      '.gitops-ml/runs/penguins.json',
      'models/penguins/README.md',
    ],
    ...overrides,
  };
}
