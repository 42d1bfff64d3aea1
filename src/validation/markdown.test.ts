import { describe, expect, it } from 'vitest';
import { renderValidationMarkdown } from './markdown.ts';
import type { CheckResult, DatasetResult, ValidationReport } from './results.ts';

function check(
  partial: Partial<CheckResult> & Pick<CheckResult, 'id' | 'check' | 'status'>,
): CheckResult {
  return {
    severity: partial.status === 'warn' ? 'warn' : 'error',
    observed: 0,
    expected: '',
    message: '',
    specPath: [],
    ...partial,
  };
}

function dataset(
  partial: Partial<DatasetResult> & Pick<DatasetResult, 'dataset' | 'checks'>,
): DatasetResult {
  const counts = { pass: 0, fail: 0, warn: 0, error: 0 };
  for (const c of partial.checks) counts[c.status]++;
  return {
    pipeline: 'penguins',
    suite: 0,
    specFile: 'pipelines/penguins.yaml',
    status:
      partial.error || counts.error
        ? 'error'
        : counts.fail
          ? 'fail'
          : counts.warn
            ? 'warn'
            : 'pass',
    queries: 3,
    counts,
    ...partial,
  };
}

const source = (path: string, rows: number) => ({
  path,
  format: 'csv' as const,
  files: [path],
  rows,
  columns: [],
  relation: `read_csv(['${path}'])`,
});

describe('renderValidationMarkdown', () => {
  it('summarises datasets, lists what did not pass, and folds drift that stayed within bounds', () => {
    const report: ValidationReport = {
      pipeline: 'penguins',
      status: 'fail',
      datasets: [
        dataset({
          dataset: 'raw',
          source: source('data/raw.csv', 344),
          checks: [
            check({ id: 'parse', check: 'parse', status: 'pass' }),
            check({
              id: 'columns.Sex.in',
              check: 'in',
              columns: ['Sex'],
              status: 'warn',
              observed: 1,
              expected: 'in [MALE, FEMALE]',
              elementCount: 334,
              unexpectedCount: 1,
              unexpectedShare: 1 / 334,
              sample: ['.'],
            }),
            check({
              id: 'checks.0.unique',
              check: 'unique',
              columns: ['id', 'island'],
              status: 'fail',
              observed: 2,
              expected: 'unique',
              elementCount: 344,
              unexpectedCount: 4,
              unexpectedShare: 4 / 344,
              sample: [{ id: 1, island: 'Dream' }, 'a|b', 3, 4],
            }),
          ],
        }),
        dataset({
          dataset: 'test',
          source: source('data/test.csv', 86),
          checks: [check({ id: 'drift', check: 'drift', status: 'pass', observed: 0 })],
          drift: {
            reference: 'data/train.csv',
            columns: [
              {
                column: 'Body Mass (g)',
                kind: 'numeric',
                method: 'ks',
                statistic: 'p-value',
                score: 0.6401234,
                threshold: 0.05,
                drifted: false,
                referenceCount: 256,
                currentCount: 86,
                bins: 90,
              },
            ],
            skipped: [],
            driftedColumns: 0,
            driftedShare: 0,
            share: 0.5,
            datasetDrift: false,
          },
        }),
        dataset({
          dataset: 'big',
          checks: [],
          error: {
            kind: 'missing',
            message: 'data/big.csv is tracked by data/big.csv.dvc but is not in the workspace',
          },
        }),
      ],
    };
    expect(renderValidationMarkdown(report)).toBe(`### 🛑 Data validation: penguins

2 passed, 1 failed, 1 warning, 1 dataset not read.

| | Dataset | Rows | Checks |
|---|---|--:|---|
| ❌ | penguins:raw \`data/raw.csv\` | 344 | 1 ❌ · 1 ⚠️ · 1 ✅ |
| ✅ | penguins:test \`data/test.csv\` | 86 | 1 ✅ |
| 🛑 | penguins:big | — | data/big.csv is tracked by data/big.csv.dvc but is not in the workspace |

| | Dataset | Check | Observed | Expected | Examples |
|---|---|---|---|---|---|
| ⚠️ | raw | Sex · in | 1 of 334 (0.299%) | in [MALE, FEMALE] | \`"."\` |
| ❌ | raw | unique (id, island) | 4 of 344 (1.16%) | unique | \`{"id":1,"island":"Dream"}\`, \`"a\\|b"\`, \`3\`, … |

<details><summary>Drift of \`test\` against \`data/train.csv\`: 0 of 1 columns drifted</summary>

| Column | Method | Score | Threshold | Drifted |
|---|---|--:|--:|---|
| Body Mass (g) | ks | 0.64 | 0.05 | no |

</details>
`);
  });
});
