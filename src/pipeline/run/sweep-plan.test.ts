import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseRepo, validateFiles, yaml } from '../../../test/support/memory-repo.ts';
import { tempDir } from '../../../test/support/temp.ts';
import { costOf } from '../cost.ts';
import {
  buildLeaderboard,
  leaderboardRows,
  sweepExitCode,
  sweepStatus,
  type SweepTrial,
} from './sweep-board.ts';
import { measure } from './sweep-objective.ts';
import { planSweep, trialStages } from './sweep-plan.ts';

const SWEEP = yaml`
  sweep:
    method: grid
    params:
      train.lr: [0.01, 0.1]
      train.epochs: [5]
`;

async function planned(files: Record<string, string>, stage?: string) {
  const v = await validateFiles(files);
  expect(v.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return { v, plan: planSweep(v.repo, v.pipelines, { pipelines: ['p'], stage }) };
}

function repo(sweep = SWEEP): Record<string, string> {
  const files = baseRepo();
  files['pipelines/p.yaml'] += sweep;
  return files;
}

describe('planSweep', () => {
  it("names the trials and ranks them by the model's primary metric", async () => {
    const { plan } = await planned(repo());
    expect(plan.trials).toEqual([
      { index: 0, id: 'trial-01', params: { 'train.lr': 0.01, 'train.epochs': 5 } },
      { index: 1, id: 'trial-02', params: { 'train.lr': 0.1, 'train.epochs': 5 } },
    ]);
    expect(plan.objective).toEqual({
      metric: 'accuracy',
      goal: 'maximize',
      files: ['metrics.json'],
    });
    expect(plan.paramsFile).toBe('params.yaml');
  });

  it('takes sweep.metric with the goal the model tracks it with', async () => {
    const files = repo(SWEEP + '  metric: loss\n');
    files['models/m.yaml'] = files['models/m.yaml']!.replace(
      'goal: maximize}',
      'goal: maximize, tracked: {loss: minimize}}',
    );
    const { plan } = await planned(files);
    expect(plan.objective).toMatchObject({ metric: 'loss', goal: 'minimize' });
  });

  it('refuses what cannot be swept: no sweep, several pipelines, stages that write no metrics', async () => {
    const v = await validateFiles(baseRepo());
    expect(() => planSweep(v.repo, v.pipelines, { pipelines: ['p'] })).toThrow(
      'pipeline "p" has no sweep',
    );
    expect(() => planSweep(v.repo, v.pipelines, { pipelines: [] })).toThrow(
      '--sweep runs the sweep of one pipeline',
    );
    const { v: swept } = await planned(repo());
    expect(() =>
      planSweep(swept.repo, swept.pipelines, { pipelines: ['p'], stage: 'prepare' }),
    ).toThrow(
      'the stages this run covers do not write metrics.json, which ranks the trials by "accuracy"',
    );
  });
});

describe('trialStages', () => {
  it("resolves the commands again with the trial's values", async () => {
    const { v, plan } = await planned(repo());
    const original = v.repo.params.get('params.yaml')!.source.text;
    const trial = trialStages(v.repo, plan, original, plan.trials[1]!);
    if (!trial.ok) throw new Error(trial.error);
    expect(trial.text).toContain('lr: 0.1\n  epochs: 5\n');
    expect(trial.stages.map((s) => s.cmd[0])).toEqual([
      'node prep.mjs --seed 1',
      'node train.mjs --lr 0.1',
    ]);
    expect(trial.pipelines.get('p')!.stages[1]!.cmd).toEqual(['node train.mjs --lr 0.1']);
  });
});

describe('measure', () => {
  it('reads the metric, nested keys included, and says why when it cannot', async () => {
    const root = tempDir();
    const objective = { metric: 'test.acc', goal: 'maximize' as const, files: ['m.json'] };
    expect(await measure(root, objective)).toEqual({
      ok: false,
      error: 'no metrics file (m.json) holds "test.acc"',
    });
    writeFileSync(join(root, 'm.json'), '{"test": {"acc": 0.75}}');
    expect(await measure(root, objective)).toEqual({ ok: true, value: 0.75, file: 'm.json' });
    writeFileSync(join(root, 'm.json'), '{"test": {"acc": "high"}}');
    expect(await measure(root, objective)).toEqual({
      ok: false,
      error: 'm.json: "test.acc" is not a number',
    });
  });
});

describe('the leaderboard', () => {
  const trial = (n: number, metric: number | null, exitCode: 0 | 1 | 2 | 3 = 0): SweepTrial => ({
    trial: n,
    id: `trial-0${n + 1}`,
    params: { lr: n / 10 },
    metric,
    status: metric === null ? 'failed' : 'ok',
    exitCode,
    ...(metric === null ? { error: 'train: exited with code 4' } : {}),
    stages: {},
    seconds: 1,
    cost: costOf(
      { seconds: 3600, gpus: 0, energyWh: null },
      { 'runs-on': 'x', price: { hour: 1 } },
    ),
    record: `runs/p.sweep/trial-0${n + 1}.run.json`,
  });

  it('ranks best first, names the best, and exits with the worst failure', async () => {
    const { plan } = await planned(repo());
    const trials = [trial(0, 0.5), trial(1, null, 1), trial(2, 0.9)];
    const board = buildLeaderboard(plan, trials, sweepStatus(trials, false), true, 'USD');
    expect(board.trials.map((t) => [t.rank, t.id])).toEqual([
      [1, 'trial-03'],
      [2, 'trial-01'],
      [3, 'trial-02'],
    ]);
    expect(board).toMatchObject({ status: 'partial', best: 'trial-03', applied: true });
    expect(board.cost.amount).toBe(3);
    expect(sweepExitCode(board)).toBe(1);
    expect(leaderboardRows(board)).toEqual([
      ['rank', 'trial', 'lr', 'accuracy', 'status'],
      ['1', 'trial-03', '0.2', '0.9', 'best, applied'],
      ['2', 'trial-01', '0', '0.5', 'ok'],
      ['3', 'trial-02', '0.1', '-', 'failed: train: exited with code 4'],
    ]);
  });

  it('has no best when every trial failed, and exits 3 when interrupted', async () => {
    const { plan } = await planned(repo());
    const failed = [trial(0, null, 2), trial(1, null, 1)];
    const board = buildLeaderboard(plan, failed, sweepStatus(failed, false), false, 'USD');
    expect(board).toMatchObject({ status: 'failed', best: null });
    expect(sweepExitCode(board)).toBe(2);
    expect(sweepExitCode({ status: 'interrupted', trials: [] })).toBe(3);
    expect(sweepStatus([trial(0, 1)], false)).toBe('succeeded');
  });
});
