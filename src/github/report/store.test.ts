import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { penguinsReport } from '../../../test/support/report-data.ts';
import { tempDir } from '../../../test/support/temp.ts';
import { InputError } from '../../errors.ts';
import { REPORT_DIR } from './model.ts';
import { MAX_MODEL_BYTES, readReportModels, writeReportModel } from './store.ts';

describe('report models on disk', () => {
  it('round-trips, one file per pipeline, sorted, written atomically', async () => {
    const root = tempDir();
    await writeReportModel(root, penguinsReport({ pipeline: 'zeta' }));
    await writeReportModel(root, penguinsReport({ pipeline: 'alpha', status: 'failure' }));
    expect(readdirSync(join(root, REPORT_DIR)).sort()).toEqual(['alpha.json', 'zeta.json']);
    const models = await readReportModels(root);
    expect(models.map((m) => [m.pipeline, m.status])).toEqual([
      ['alpha', 'failure'],
      ['zeta', 'success'],
    ]);
    expect(models[0]!.validation!.datasets[0]!.checks[0]!.severity).toBe('error');
  });

  it('is empty when there is no report directory', async () => {
    expect(await readReportModels(tempDir())).toEqual([]);
  });

  it('refuses models that are invalid, not JSON, or too large, naming the file', async () => {
    const root = tempDir();
    mkdirSync(join(root, REPORT_DIR), { recursive: true });
    const put = (name: string, text: string) => writeFileSync(join(root, REPORT_DIR, name), text);
    put(
      'a.json',
      JSON.stringify({ ...penguinsReport(), status: 'great', files: ['../../etc/passwd'] }),
    );
    await expect(readReportModels(root)).rejects.toThrow(
      '.gitops-ml/report/a.json is not a valid report model: status: Invalid option: expected one of "success"|"failure"|"neutral"; files.0: a repository-relative path without ".."',
    );
    put('a.json', '{');
    await expect(readReportModels(root)).rejects.toThrow(
      /^\.gitops-ml\/report\/a\.json is not valid JSON/,
    );
    put('a.json', ' '.repeat(MAX_MODEL_BYTES + 1));
    const error = await readReportModels(root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
  });

  it('validates before writing, so a producer bug fails where it is made', async () => {
    await expect(
      writeReportModel(tempDir(), { ...penguinsReport(), pipeline: '../x' }),
    ).rejects.toThrow();
  });
});
