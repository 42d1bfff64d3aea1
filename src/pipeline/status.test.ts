import { describe, expect, it } from 'vitest';
import { baseRepo, validateFiles } from '../../test/support/memory-repo.ts';
import type { ResolvedStage } from '../spec/expand.ts';
import { decide, type LockedStage, type Observed } from './status.ts';

async function trainStage(
  edit: (files: Record<string, string>) => void = () => {},
): Promise<ResolvedStage> {
  const files = baseRepo();
  edit(files);
  const v = await validateFiles(files);
  return v.pipelines[0]!.stages.find((s) => s.key === 'train')!;
}

const locked: LockedStage = {
  cmd: 'node train.mjs --lr 0.1',
  deps: [
    { path: 'data/prepared', hash: 'md5', md5: 'aaaa.dir', size: 10, nfiles: 2 },
    { path: 'train.mjs', hash: 'md5', md5: 'bbbb', size: 1 },
  ],
  params: { 'params.yaml': { 'train.lr': 0.1, 'train.epochs': 10 } },
  outs: [
    { path: 'model/model.bin', hash: 'md5', md5: 'cccc', size: 5 },
    { path: 'metrics.json', hash: 'md5', md5: 'dddd', size: 3 },
  ],
};

function observed(over: Partial<Observed> = {}): Observed {
  return {
    deps: new Map([
      ['data/prepared', { md5: 'aaaa.dir' }],
      ['train.mjs', { md5: 'bbbb' }],
    ]),
    outs: new Map([
      ['model/model.bin', { md5: 'cccc' }],
      ['metrics.json', { md5: 'dddd' }],
    ]),
    cached: new Set(['model/model.bin']),
    params: { 'params.yaml': { 'train.lr': 0.1, 'train.epochs': 10 } },
    ...over,
  };
}

describe('decide (DVC stage status)', () => {
  it('skips a stage whose command, deps, params and outs match the lock', async () => {
    expect(decide(await trainStage(), locked, observed())).toEqual({ action: 'skip' });
  });

  it('runs a stage that never ran, or is forced, or always changes', async () => {
    const stage = await trainStage();
    expect(decide(stage, undefined, observed())).toEqual({
      action: 'run',
      reasons: ['never ran: no lock entry'],
    });
    expect(decide(stage, locked, observed(), { force: true })).toEqual({
      action: 'run',
      reasons: ['forced'],
    });
    const always = await trainStage((f) => (f['pipelines/p.yaml'] += '    always_changed: true\n'));
    expect(decide(always, locked, observed())).toEqual({
      action: 'run',
      reasons: ['always_changed'],
    });
  });

  it('says what changed: command, dependency, param', async () => {
    const stage = await trainStage(
      (f) => (f['params.yaml'] = 'seed: 1\ntrain:\n  lr: 0.2\n  epochs: 10\n'),
    );
    const obs = observed({
      deps: new Map([
        ['data/prepared', { md5: 'eeee.dir' }],
        ['train.mjs', { md5: 'bbbb' }],
      ]),
      params: { 'params.yaml': { 'train.lr': 0.2, 'train.epochs': 10 } },
    });
    expect(decide(stage, locked, obs)).toEqual({
      action: 'run',
      reasons: [
        'command changed',
        'dependency data/prepared changed',
        'param train.lr changed: 0.1 → 0.2',
      ],
    });
  });

  it('restores outputs missing from the workspace but kept in the cache, instead of re-running', async () => {
    const stage = await trainStage();
    const gone = observed({ outs: new Map([['metrics.json', { md5: 'dddd' }]]) });
    expect(decide(stage, locked, gone)).toEqual({ action: 'restore', outs: ['model/model.bin'] });
    expect(
      decide(stage, locked, observed({ outs: new Map([['model/model.bin', { md5: 'cccc' }]]) })),
    ).toEqual({
      action: 'run',
      reasons: ['output metrics.json is missing and not in the cache'],
    });
  });

  it('re-runs when an output was edited by hand, or the set of paths changed', async () => {
    const stage = await trainStage(
      (f) =>
        (f['pipelines/p.yaml'] = f['pipelines/p.yaml']!.replace(
          'deps: [data/prepared, train.mjs]',
          'deps: [data/prepared, train.mjs, data/raw.csv]',
        )),
    );
    const obs = observed({
      outs: new Map([
        ['model/model.bin', { md5: 'ffff' }],
        ['metrics.json', { md5: 'dddd' }],
      ]),
    });
    obs.deps = new Map([...obs.deps, ['data/raw.csv', { md5: '1111' }]]);
    expect(decide(stage, locked, obs)).toEqual({
      action: 'run',
      reasons: ['new dependency data/raw.csv', 'output model/model.bin was modified'],
    });
  });

  it('never runs a frozen stage, but still restores its outputs', async () => {
    const stage = await trainStage((f) => (f['pipelines/p.yaml'] += '    frozen: true\n'));
    expect(decide(stage, locked, observed({ outs: new Map() }))).toEqual({
      action: 'frozen',
      restore: ['model/model.bin'],
    });
  });
});
