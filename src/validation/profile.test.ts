import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { projectRoot, tempDir, writeFiles } from '../../test/support/temp.ts';
import { target, withEngine } from '../../test/support/validation.ts';
import { Pipeline } from '../spec/schema/pipeline.ts';
import { profileSource, type Profile } from './profile.ts';
import { openSource } from './source.ts';
import { suggestYaml } from './suggest.ts';
import { validatePipeline } from './validate.ts';

function profile(root: string, path: string): Promise<Profile> {
  return withEngine(root, async (engine) =>
    profileSource(engine, root, await openSource(engine, root, { path })),
  );
}

describe('data profiles', () => {
  it('profiles the penguins: types, nulls, ranges, quantiles, top values, histograms', async () => {
    const p = await profile(projectRoot, 'data/penguins.json');
    expect([p.rows, p.rejected, p.format, p.files]).toEqual([
      344,
      0,
      'json',
      ['data/penguins.json'],
    ]);
    const col = (name: string) => p.columns.find((c) => c.name === name)!;
    expect(col('Sex')).toMatchObject({
      type: 'VARCHAR',
      kind: 'categorical',
      count: 334,
      nulls: 10,
      distinct: 3,
      min: '.',
      max: 'MALE',
      length: { min: 1, max: 6 },
      top: [
        { value: 'MALE', count: 168 },
        { value: 'FEMALE', count: 165 },
        { value: '.', count: 1 },
      ],
    });
    const mass = col('Body Mass (g)');
    expect(mass).toMatchObject({ kind: 'numeric', count: 342, nulls: 2, min: 2700, max: 6300 });
    expect(mass.mean).toBeCloseTo(4201.754386, 5);
    expect(mass.std).toBeCloseTo(801.9545357, 5);
    // Quantiles from 1000 bins over 2700..6300 are within 3.6 g of the exact ones (4050, 3550, 4750).
    expect(Math.abs(mass.quantiles!.p50! - 4050)).toBeLessThanOrEqual(3.6);
    expect(Math.abs(mass.quantiles!.p25! - 3550)).toBeLessThanOrEqual(3.6);
    expect(Math.abs(mass.quantiles!.p75! - 4750)).toBeLessThanOrEqual(3.6);
    expect(mass.histogram!.counts.reduce((a, b) => a + b, 0)).toBe(342);
    expect(mass.histogram!.edges).toHaveLength(21);
    expect([mass.histogram!.edges[0], mass.histogram!.edges[20]]).toEqual([2700, 6300]);
  });

  it('is identical run after run, so it can be committed as a baseline', async () => {
    const root = tempDir();
    const rows = Array.from(
      { length: 30000 },
      (_, i) => `${i},${Math.sin(i) * 1000},${'abcdefgh'[i % 8]}`,
    );
    writeFiles(root, { 'd.csv': ['id,x,c', ...rows].join('\n') + '\n' });
    const a = await profile(root, 'd.csv');
    const b = await profile(root, 'd.csv');
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(a.columns[0]!.top).toBeUndefined(); // 30,000 distinct ids: no top values
  });

  it('suggests a starter suite that is a valid spec and passes on the data it came from', async () => {
    const root = tempDir();
    writeFiles(root, {
      'data/orders.csv':
        'id,country,amount,zip\n' +
        Array.from(
          { length: 60 },
          (_, i) => `${i + 1},${['DE', 'FR', 'US'][i % 3]},${(i * 3.5).toFixed(1)},0${1000 + i}`,
        ).join('\n') +
        '\n',
    });
    const yaml = suggestYaml(await profile(root, 'data/orders.csv'), 'orders');
    expect(yaml).toContain('# It describes this sample, not what is valid');
    expect(yaml).toContain('      country: {type: string, nullable: false, in: [DE, FR, US]}\n');
    expect(yaml).toContain(
      '      id: {type: integer, nullable: false, min: 0, max: 60, unique: true}\n',
    );
    expect(yaml).toContain('      zip: {type: string, nullable: false, length: 5, unique: true}\n');
    const spec = parse(yaml) as Record<string, unknown>;
    expect(Pipeline.safeParse({ ...spec, stages: { s: { cmd: 'true' } } }).success).toBe(true);
    const report = await withEngine(root, (engine) =>
      validatePipeline({ engine, root }, target(yaml)),
    );
    expect(report.datasets[0]!.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    // The dialect it was read with is pinned in the suggestion: reruns do not sniff.
    expect(report.datasets[0]!.source!.sniffed).toBe(false);
    expect(report.datasets[0]!.source!.columns.find((c) => c.name === 'zip')!.type).toBe('VARCHAR');
  });

  it('profiles several files as one dataset', async () => {
    const root = tempDir();
    writeFiles(root, { 'parts/a.csv': 'n\n1\n2\n', 'parts/b.csv': 'n\n3\n' });
    const p = await profile(root, 'parts');
    expect([p.files, p.rows, p.columns[0]!.max]).toEqual([['parts/a.csv', 'parts/b.csv'], 3, 3]);
    expect(join('parts', 'a.csv')).toBe('parts/a.csv');
  });

  it('takes NaN for a missing value, as pandas does: left out of counts, ranges, quantiles and top values', async () => {
    const root = tempDir();
    const rows = Array.from({ length: 300 }, (_, i) => `${(i * 7) % 50}.5`);
    writeFiles(root, {
      'clean.csv': ['v', ...rows].join('\n') + '\n',
      'nan.csv': ['v', ...rows, 'nan', 'NaN', 'nan'].join('\n') + '\n',
    });
    const clean = (await profile(root, 'clean.csv')).columns[0]!;
    const withNan = (await profile(root, 'nan.csv')).columns[0]!;
    expect(withNan.type).toBe('DOUBLE');
    expect(withNan).toEqual({ ...clean, nulls: 3, nullShare: 0.009900990099 });
  });
});
