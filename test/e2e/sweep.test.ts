import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../src/cli/main.ts';
import { captureIo } from '../support/io.ts';
import { cpuRunnerConfig, nodeScript } from '../support/node-stages.ts';
import { yaml } from '../support/memory-repo.ts';
import { gitRepo, projectRoot } from '../support/temp.ts';

const PARAMS = '# Hyperparameters\nseed: 1\ntrain:\n  lr: 0.1 # learning rate\n  depth: 2\n';

/**
 * prepare → train → evaluate, in node one-liners. train takes lr from its command (`${train.lr}`)
 * and reads depth from params.yaml itself; lr 0.3 diverges (exit 4) and lr 0.5 trains for a
 * minute. accuracy = lr × 100 + depth, so every trial has its own score.
 */
function sweepRepo(sweep: string): string {
  return gitRepo({
    'gitops-ml.yaml': cpuRunnerConfig,
    'params.yaml': PARAMS,
    'data/raw.txt': 'a\nb\n',
    'prepare.mjs': nodeScript(
      "mkdirSync('work', { recursive: true }); writeFileSync('work/prepared.txt', readFileSync('data/raw.txt', 'utf8') + args[0] + '\\n');",
    ),
    'train.mjs': nodeScript(
      [
        "const depth = /depth: (\\d+)/.exec(readFileSync('params.yaml', 'utf8'))[1];",
        "if (args[0] === '0.3') { console.log('loss diverged'); process.exit(4); }",
        "if (args[0] === '0.5') { console.log('slow start'); setTimeout(() => {}, 60000); }",
        "else { mkdirSync('model', { recursive: true }); writeFileSync('model/model.txt', `lr=${args[0]} depth=${depth}\\n` + readFileSync('work/prepared.txt', 'utf8')); }",
      ].join('\n'),
    ),
    'evaluate.mjs': nodeScript(
      "const [, lr, depth] = /lr=([\\d.]+) depth=(\\d+)/.exec(readFileSync('model/model.txt', 'utf8')); writeFileSync('metrics.json', JSON.stringify({ accuracy: Math.round(Number(lr) * 100 + Number(depth)) }) + '\\n');",
    ),
    'pipelines/p.yaml':
      yaml`
        stages:
          prepare:
            cmd: node prepare.mjs \${seed}
            deps: [data/raw.txt, prepare.mjs]
            params: [seed]
            outs: [work]
          train:
            cmd: node train.mjs \${train.lr}
            deps: [work, train.mjs]
            params: [train.lr, train.depth]
            outs: [model]
          evaluate:
            cmd: node evaluate.mjs
            deps: [model, evaluate.mjs]
            metrics:
              - metrics.json: {cache: false}
      ` + sweep,
    'models/m.yaml': yaml`
      name: m
      pipeline: p
      artifact: model
      owners: ["@acme/ml"]
      metrics: {file: metrics.json, primary: accuracy, goal: maximize}
      environments:
        staging: {approvals: 1}
    `,
    '.gitignore': '/work\n/model\n',
  });
}

const GRID = yaml`
  sweep:
    method: grid
    params:
      train.lr: [0.2, 0.3, 0.1]
      train.depth: [1]
`;

interface Board {
  status: string;
  exitCode: number;
  best: string | null;
  applied: boolean;
  records: string[];
  trials: {
    id: string;
    rank: number;
    params: Record<string, number>;
    metric: number | null;
    status: string;
    error?: string;
    stages: Record<string, string>;
    record: string;
  }[];
}

async function cli(repo: string, ...args: string[]) {
  const io = captureIo(repo, { PATH: process.env.PATH, HOME: process.env.HOME });
  const code = await main([...args, '--json'], io);
  return { code, json: JSON.parse(io.out()) as unknown, err: io.err() };
}

async function sweep(repo: string, ...args: string[]) {
  const { code, json, err } = await cli(repo, 'run', 'p', '--sweep', ...args);
  return { code, board: json as Board, err };
}

const read = (repo: string, path: string) => readFileSync(join(repo, path), 'utf8');
const lockOf = (repo: string) =>
  parse(read(repo, 'pipelines/p.lock')) as { stages: Record<string, { params?: unknown }> };

describe('gitops-ml run --sweep', () => {
  it('runs every trial with its values, ranks them, keeps going past failures, applies the best', async () => {
    const repo = sweepRepo(GRID);
    const { code, board, err } = await sweep(repo);

    // Trial 2 diverges: the sweep goes on, ranks it last, and exits 1.
    expect(code).toBe(1);
    expect(board.status).toBe('partial');
    expect(board.trials.map((t) => [t.id, t.metric, t.status])).toEqual([
      ['trial-01', 21, 'ok'],
      ['trial-03', 11, 'ok'],
      ['trial-02', null, 'failed'],
    ]);
    expect(board.trials[2]!.error).toBe('train: exited with code 4');
    expect(board.trials[1]!.params).toEqual({ 'train.lr': 0.1, 'train.depth': 1 });
    // Stages that do not read a swept param run once; the rest run per trial.
    const stagesOf = (id: string) => board.trials.find((t) => t.id === id)!.stages;
    expect(stagesOf('trial-01')).toEqual({ prepare: 'ran', train: 'ran', evaluate: 'ran' });
    expect(stagesOf('trial-03')).toEqual({ prepare: 'skipped', train: 'ran', evaluate: 'ran' });
    expect(stagesOf('trial-02')).toEqual({ prepare: 'skipped', train: 'failed' });

    // A run record per trial, the leaderboard beside them.
    expect(board.records).toEqual([
      ...['01', '02', '03'].map((n) => `runs/p.sweep/trial-${n}.run.json`),
      'runs/p.sweep/leaderboard.json',
      'runs/p.run.json',
    ]);
    const record = JSON.parse(read(repo, 'runs/p.sweep/trial-03.run.json')) as {
      status: string;
      params: unknown;
      sweep: { trial: string; metric: number };
    };
    expect(record.status).toBe('succeeded');
    expect(record.params).toEqual({
      'params.yaml': { seed: 1, 'train.lr': 0.1, 'train.depth': 1 },
    });
    expect(record.sweep).toMatchObject({ trial: 'trial-03', metric: 11 });
    const saved = JSON.parse(read(repo, 'runs/p.sweep/leaderboard.json')) as Board;
    expect(saved.trials.map((t) => t.id)).toEqual(board.trials.map((t) => t.id));
    expect(err).toMatch(/rank +trial +train\.lr +train\.depth +accuracy +status/);

    // The best trial (not the last one) is the workspace: outputs, metrics, params, lock.
    expect(board).toMatchObject({ best: 'trial-01', applied: true });
    expect(read(repo, 'model/model.txt')).toMatch(/^lr=0\.2 depth=1\n/);
    expect(JSON.parse(read(repo, 'metrics.json'))).toEqual({ accuracy: 21 });
    expect(read(repo, 'params.yaml')).toBe(
      PARAMS.replace('lr: 0.1', 'lr: 0.2').replace('depth: 2', 'depth: 1'),
    );
    expect(lockOf(repo).stages.train!.params).toEqual({
      'params.yaml': { 'train.lr': 0.2, 'train.depth': 1 },
    });
    const best = JSON.parse(read(repo, 'runs/p.run.json')) as { sweep: { trial: string } };
    expect(best.sweep.trial).toBe('trial-01');

    // The PR report proposes the best trial, with the sweep at a glance and its files.
    const report = JSON.parse(read(repo, '.gitops-ml/report/p.json')) as {
      params: { rows: { name: string; value: unknown; base: unknown }[] };
      charts: { title: string; x: string[]; series: { values: number[] }[] }[];
      files: string[];
    };
    expect(report.params.rows).toEqual([
      { file: 'params.yaml', name: 'train.lr', value: 0.2, base: 0.1 },
      { file: 'params.yaml', name: 'train.depth', value: 1, base: 2 },
    ]);
    expect(report.charts.map((c) => [c.x, c.series[0]!.values])).toEqual([
      [
        ['trial-01', 'trial-03'],
        [21, 11],
      ],
    ]);
    expect(report.files).toEqual(
      expect.arrayContaining(['runs/p.sweep/leaderboard.json', 'runs/p.run.json']),
    );

    // So a plain run finds everything up to date.
    const again = await cli(repo, 'run', 'p');
    expect(again.code).toBe(0);
    expect((again.json as { stages: { action: string }[] }).stages.map((s) => s.action)).toEqual([
      'skipped',
      'skipped',
      'skipped',
    ]);
  });

  it('gives the params file its bytes back when no trial succeeds', async () => {
    const repo = sweepRepo(yaml`
      sweep:
        method: grid
        params:
          train.lr: [0.3]
          train.depth: [1, 3]
    `);
    const { code, board } = await sweep(repo);
    expect(code).toBe(1);
    expect(board).toMatchObject({ status: 'failed', best: null, applied: false });
    expect(board.trials.map((t) => t.status)).toEqual(['failed', 'failed']);
    expect(read(repo, 'params.yaml')).toBe(PARAMS);
    expect(existsSync(join(repo, 'runs/p.run.json'))).toBe(false);
  });

  it('lists the trials of a random sweep with --dry-run, running nothing', async () => {
    const repo = sweepRepo(yaml`
      sweep:
        method: random
        trials: 3
        seed: 7
        params:
          train.lr: {min: 0.01, max: 0.2, log: true}
          train.depth: {min: 1, max: 9, integer: true}
    `);
    const first = await cli(repo, 'run', 'p', '--sweep', '--dry-run');
    const second = await cli(repo, 'run', 'p', '--sweep', '--dry-run');
    expect(first.code).toBe(0);
    const plan = first.json as {
      status: string;
      trials: { id: string; params: Board['trials'][0]['params'] }[];
    };
    expect(plan.status).toBe('planned');
    expect(plan.trials.map((t) => t.id)).toEqual(['trial-01', 'trial-02', 'trial-03']);
    for (const t of plan.trials) {
      expect(t.params['train.lr']).toBeGreaterThanOrEqual(0.01);
      expect(Number.isInteger(t.params['train.depth'])).toBe(true);
    }
    expect(second.json).toEqual(first.json);
    expect(existsSync(join(repo, 'pipelines/p.lock'))).toBe(false);
    expect(existsSync(join(repo, 'runs'))).toBe(false);
  });

  it('says which pipeline to sweep, and that one without a sweep has none', async () => {
    const repo = sweepRepo('');
    const io = captureIo(repo);
    expect(await main(['run', 'p', '--sweep'], io)).toBe(2);
    expect(io.err()).toContain('pipeline "p" has no sweep');
    expect(io.err()).not.toMatch(/\n\s+at /);
  });

  it('on SIGTERM stops the trial, puts back its outputs and the original params', async () => {
    const repo = sweepRepo(yaml`
      sweep:
        method: grid
        params:
          train.lr: [0.2, 0.5, 0.1]
    `);
    const child = spawn(
      process.execPath,
      [join(projectRoot, 'bin/gitops-ml.js'), 'run', 'p', '--sweep', '--json'],
      { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let stdout = '';
    let sent = false;
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (!sent && stderr.includes('slow start')) sent = child.kill('SIGTERM');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(3);
    const board = JSON.parse(stdout) as Board;
    expect(board).toMatchObject({ status: 'interrupted', applied: false });
    expect(board.trials.map((t) => t.id)).toEqual(['trial-01', 'trial-02']);
    expect(read(repo, 'params.yaml')).toBe(PARAMS);
    // Trial 1's outputs and lock entry stay: they agree with each other.
    expect(read(repo, 'model/model.txt')).toMatch(/^lr=0\.2 depth=2\n/);
    expect(lockOf(repo).stages.train!.params).toEqual({
      'params.yaml': { 'train.lr': 0.2, 'train.depth': 2 },
    });
  });
});
