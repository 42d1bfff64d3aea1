import { describe, expect, it } from 'vitest';
import { tempDir, writeFiles } from '../../../test/support/temp.ts';
import { target, withEngine } from '../../../test/support/validation.ts';
import type { DriftSummary } from '../results.ts';
import { validatePipeline } from '../validate.ts';

// DuckDB's histogram() keeps its counts in an ordered map compared with `<`, under which NaN is
// equivalent to every key: a NaN is counted as whichever value it lands next to. NaN is not a value
// (as nulls, it is left out of both sides), so drift must score the same with or without it.
async function drift(root: string, data: string): Promise<DriftSummary> {
  const spec = `
datasets: {d: {path: ${data}, csv: {columns: {v: DOUBLE, k: BIGINT}}}}
validation:
  - dataset: d
    drift: {reference: ref.csv, method: wasserstein}
`;
  return withEngine(root, async (engine) => {
    const report = await validatePipeline({ engine, root }, target(spec));
    return report.datasets[0]!.drift!;
  });
}

describe('drift leaves NaN out, as it leaves out nulls', () => {
  it('scores a column with NaN values as the same column without them', async () => {
    const root = tempDir();
    const values = Array.from({ length: 3000 }, (_, i) => `${(i * 7) % 50},${i % 9}`);
    const nan = Array.from({ length: 400 }, (_, i) => `nan,${i % 9}`);
    const reference = Array.from({ length: 3000 }, (_, i) => `${(i * 11) % 60},${i % 8}`);
    writeFiles(root, {
      'clean.csv': ['v,k', ...values].join('\n') + '\n',
      'nan.csv': ['v,k', ...values, ...nan].join('\n') + '\n',
      'ref.csv': ['v,k', ...reference, 'nan,1', 'nan,2'].join('\n') + '\n',
    });
    const clean = await drift(root, 'clean.csv');
    const withNan = await drift(root, 'nan.csv');
    const v = (d: DriftSummary) => d.columns.find((c) => c.column === 'v')!;
    expect([v(clean).currentCount, v(clean).referenceCount]).toEqual([3000, 3000]);
    expect(v(withNan)).toEqual(v(clean));
  });

  it('leaves NaN out of a column binned on the reference (more than 10,000 distinct values)', async () => {
    const root = tempDir();
    const values = Array.from({ length: 12000 }, (_, i) => `${(i * 0.37) % 4000},${i % 9}`);
    const nan = Array.from({ length: 500 }, (_, i) => `nan,${i % 9}`);
    const reference = Array.from({ length: 12000 }, (_, i) => `${i * 0.31},${i % 8}`);
    writeFiles(root, {
      'clean.csv': ['v,k', ...values].join('\n') + '\n',
      'nan.csv': ['v,k', ...nan, ...values].join('\n') + '\n',
      'ref.csv': ['v,k', ...reference].join('\n') + '\n',
    });
    const v = (d: DriftSummary) => d.columns.find((c) => c.column === 'v')!;
    const clean = v(await drift(root, 'clean.csv'));
    expect([clean.currentCount, clean.bins]).toEqual([12000, 1002]);
    expect(v(await drift(root, 'nan.csv'))).toEqual(clean);
  });
});
