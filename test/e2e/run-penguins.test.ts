import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { ReportModel } from '../../src/github/report/model.ts';
import { exampleRepoFiles } from '../emulator/example-repo.ts';
import { captureIo } from '../support/io.ts';
import { gitIn, gitRepo, projectRoot } from '../support/temp.ts';

/** The bundled penguins example as a fresh repository. */
function penguinsRepo(): string {
  return gitRepo({
    ...exampleRepoFiles(projectRoot),
    '.gitignore': readFileSync(join(projectRoot, '.gitignore'), 'utf8'),
  });
}

async function run(repo: string, ...args: string[]) {
  const io = captureIo(repo, { PATH: process.env.PATH, HOME: process.env.HOME });
  const code = await main(['run', 'penguins', ...args, '--json'], io);
  const result = JSON.parse(io.out()) as {
    status: string;
    stages: { stage: string; action: string; error?: string; dataset?: string }[];
  };
  return { code, err: io.err(), steps: result.stages.map((s) => `${s.stage}:${s.action}`), result };
}

function report(repo: string): ReportModel {
  return ReportModel.parse(
    JSON.parse(readFileSync(join(repo, '.gitops-ml/report/penguins.json'), 'utf8')),
  );
}

describe('gitops-ml run on the penguins example', () => {
  it('validates the data as it appears, trains, evaluates, and leaves the report of the run', async () => {
    const repo = penguinsRepo();
    const first = await run(repo);
    expect(first.err).not.toContain('error:');
    expect(first.code).toBe(0);
    // prepare → validate → train → evaluate: each dataset is checked as soon as it exists.
    expect(first.steps).toEqual([
      'validate@raw:ran',
      'prepare:ran',
      'validate@test:ran',
      'train:ran',
      'evaluate:ran',
    ]);
    expect(first.err).toContain('Sex · in'); // the warning of the raw data is shown, not hidden
    const metrics = JSON.parse(readFileSync(join(repo, 'metrics/penguins.json'), 'utf8')) as {
      accuracy: number;
      macro_f1: number;
    };
    expect(metrics.accuracy).toBeGreaterThan(0.95);
    expect(metrics.macro_f1).toBeGreaterThan(0.95);

    const model = report(repo);
    expect(model.status).toBe('success');
    expect(model.commit?.sha).toBe(gitIn(repo, 'rev-parse', 'HEAD').trim());
    expect(model.metrics?.rows.find((r) => r.primary)).toMatchObject({
      name: 'accuracy',
      value: metrics.accuracy,
      base: null,
      goal: 'maximize',
    });
    expect(model.gates?.map((g) => [g.rule.split(' —')[0], g.passed])).toEqual([
      ['min 0.9', true],
      ['not worse than production (tolerance 0.01)', true],
    ]);
    expect(model.validation?.datasets.map((d) => [d.name, d.rows])).toEqual([
      ['raw', 344],
      ['test', 86],
    ]);
    expect(model.annotations?.map((a) => `${a.path}:${a.line} ${a.level}`)).toEqual([
      'pipelines/penguins.yaml:20 warning',
    ]);
    expect(model.charts?.map((c) => ('svg' in c ? c.svg : c.kind))).toEqual([
      'line',
      'plots/penguins/confusion.svg',
    ]);
    expect(model.files).toEqual([
      'metrics/penguins.json',
      'metrics/penguins.run.json',
      'models/penguins/README.md',
      'pipelines/penguins.lock',
      'plots/penguins/confusion.svg',
      'plots/penguins/loss.svg',
    ]);
    // The model card: Hugging Face front matter with the metrics of this run.
    const card = readFileSync(join(repo, 'models/penguins/README.md'), 'utf8');
    expect(card).toMatch(/^---\n[\s\S]*model-index:[\s\S]*\n---\n/);
    expect(card).toContain(`value: ${metrics.accuracy}`);
    for (const file of model.files ?? []) expect(existsSync(join(repo, file)), file).toBe(true);
    expect(readFileSync(join(repo, 'plots/penguins/confusion.svg'), 'utf8')).toMatch(/^<svg/);
    const record = JSON.parse(readFileSync(join(repo, 'metrics/penguins.run.json'), 'utf8')) as {
      validation: { dataset: string; status: string }[];
    };
    expect(record.validation.map((v) => `${v.dataset}:${v.status}`)).toEqual([
      'raw:warn',
      'test:pass',
    ]);

    // Nothing changed: nothing runs and no data is checked (DuckDB is not even loaded).
    const again = await run(repo);
    expect(again.code).toBe(0);
    expect(again.steps).toEqual(['prepare:skipped', 'train:skipped', 'evaluate:skipped']);
  });

  it('compares metrics and params with the base commit after a params change', async () => {
    const repo = penguinsRepo();
    expect((await run(repo)).code).toBe(0);
    gitIn(repo, 'add', '-A');
    gitIn(repo, 'commit', '-q', '-m', 'results');
    const before = JSON.parse(readFileSync(join(repo, 'metrics/penguins.json'), 'utf8')) as {
      accuracy: number;
    };
    const params = readFileSync(join(repo, 'params.yaml'), 'utf8');
    writeFileSync(join(repo, 'params.yaml'), params.replace('lr: 0.5', 'lr: 0.05'));

    const second = await run(repo);
    expect(second.code).toBe(0);
    // prepare is up to date; the test split is checked before evaluate reads it, raw at the end.
    expect(second.steps).toEqual([
      'prepare:skipped',
      'train:ran',
      'validate@test:ran',
      'evaluate:ran',
      'validate@raw:ran',
    ]);
    const model = report(repo);
    expect(model.params).toEqual({
      baseRef: 'HEAD',
      rows: [{ file: 'params.yaml', name: 'train.lr', value: 0.05, base: 0.5 }],
    });
    expect(model.metrics?.rows.find((r) => r.name === 'accuracy')?.base).toBe(before.accuracy);
  });

  it('stops before a stage reads data that fails its checks: exit 1, nothing run, spec line annotated', async () => {
    const repo = penguinsRepo();
    const path = join(repo, 'data/penguins.json');
    const rows = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>[];
    rows[5] = { ...rows[5], Species: 'Emperor' };
    writeFileSync(path, JSON.stringify(rows));

    const failed = await run(repo);
    expect(failed.code).toBe(1);
    expect(failed.steps).toEqual(['validate@raw:failed']);
    expect(failed.result.stages[0]!.error).toContain('columns.Species.in');
    expect(failed.err).toContain('Emperor');
    expect(existsSync(join(repo, 'pipelines/penguins.lock'))).toBe(false);
    const model = report(repo);
    expect(model.status).toBe('failure');
    // Species `in` (line 13), and the class balance the new species breaks (line 24).
    expect(model.annotations?.filter((a) => a.level === 'failure').map((a) => a.line)).toEqual([
      13, 24,
    ]);
  });
});
