import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  duckdbExec,
  flightsParquet,
  suiteTempDir,
  target,
  withEngine,
} from '../../../test/support/validation.ts';
import type { DriftSummary } from '../results.ts';
import { validatePipeline } from '../validate.ts';

// Drift on real data: vega-datasets' flights-3m (US domestic flights, January to June 2001, about
// 500,000 a month). Expected values were computed independently with scipy 1.10 on the same rows
// (scipy.stats.wasserstein_distance / numpy.std, ks_2samp, chi2_contingency, jensenshannon).
describe('drift on the flights data', () => {
  const root = suiteTempDir();
  let drift: Record<string, DriftSummary>;
  const score = (name: string, column: string) =>
    drift[name]!.columns.find((c) => c.column === column)!;

  beforeAll(async () => {
    const month = (m: number) =>
      `SELECT delay, distance, origin, destination, date FROM '${flightsParquet}' WHERE year(date) = 2001 AND month(date) = ${m}`;
    const half = (k: number) =>
      `${month(3)} AND hash(date, delay, distance, origin, destination) % 2 = ${k}`;
    await duckdbExec(
      root,
      `COPY (${month(1)}) TO '${join(root, 'jan.parquet')}'`,
      `COPY (${month(5)}) TO '${join(root, 'may.parquet')}'`,
      `COPY (${month(6)}) TO '${join(root, 'jun.parquet')}'`,
      `COPY (${half(0)}) TO '${join(root, 'mar-a.parquet')}'`,
      `COPY (${half(1)}) TO '${join(root, 'mar-b.parquet')}'`,
    );
    const spec = target(`
datasets:
  june: {path: jun.parquet}
  march: {path: mar-b.parquet}
validation:
  - {dataset: june, drift: {reference: jan.parquet}}
  - {dataset: june, drift: {reference: may.parquet}}
  - {dataset: june, drift: {reference: jan.parquet, method: ks}}
  - {dataset: march, drift: {reference: mar-a.parquet}}
  - {dataset: march, drift: {reference: mar-a.parquet, method: ks}}
`);
    const report = await withEngine(root, (engine) => validatePipeline({ engine, root }, spec));
    const names = ['jan-jun', 'may-jun', 'jan-jun-ks', 'halves', 'halves-ks'];
    drift = Object.fromEntries(
      report.datasets.map((d, i): [string, DriftSummary] => [names[i]!, d.drift!]),
    );
  }, 120_000);

  it('leaves the timestamp out and picks Evidently’s large-sample methods', () => {
    expect(drift['jan-jun']!.skipped.map((s) => s.column)).toEqual(['date']);
    expect(drift['jan-jun']!.columns.map((c) => [c.column, c.method])).toEqual([
      ['delay', 'wasserstein'],
      ['distance', 'wasserstein'],
      ['origin', 'jensenshannon'],
      ['destination', 'jensenshannon'],
    ]);
  });

  it('scores like scipy on the full samples', () => {
    // scipy: 0.087495 and 0.025308 (normed Wasserstein), 0.037236 (JS distance, natural log).
    expect(score('jan-jun', 'delay').score).toBeCloseTo(0.0875, 3);
    expect(score('jan-jun', 'distance').score).toBeCloseTo(0.0253, 3);
    expect(score('jan-jun', 'origin').score).toBeCloseTo(0.037236, 5);
    // scipy: KS p-values 1.22e-141 and 1.96e-17; chi-squared p 0.371 and 0.0539.
    expect(score('jan-jun-ks', 'delay').score).toBeLessThan(1e-140);
    expect(score('jan-jun-ks', 'distance').score).toBeLessThan(1e-16);
    expect(score('halves-ks', 'origin').score).toBeCloseTo(0.371, 3);
    expect(score('halves-ks', 'destination').score).toBeCloseTo(0.0539, 3);
    expect(score('halves-ks', 'delay').score).toBeCloseTo(0.589, 2);
  });

  it('finds drift between months', () => {
    // Delays in June differ from May (normed Wasserstein 0.21, twice the 0.1 threshold).
    expect(score('may-jun', 'delay').drifted).toBe(true);
    // With tests instead of distances every column of June differs from January.
    expect(drift['jan-jun-ks']!.columns.map((c) => c.drifted)).toEqual([true, true, true, true]);
    expect(drift['jan-jun-ks']!.datasetDrift).toBe(true);
  });

  it('finds none between two random halves of one month', () => {
    for (const name of ['halves', 'halves-ks']) {
      expect(drift[name]!.columns.filter((c) => c.drifted)).toEqual([]);
      expect(drift[name]!.datasetDrift).toBe(false);
    }
    for (const c of drift.halves!.columns) expect(c.score).toBeLessThan(0.02);
  });
});
