import { describe, expect, it } from 'vitest';
import { baseRepo, indent, validateFiles, yaml } from '../../test/support/memory-repo.ts';
import { StageGraph, selectStages } from './graph.ts';

async function pipelines() {
  const files = baseRepo();
  files['pipelines/p.yaml'] += indent(yaml`
    evaluate:
      foreach: [val, test]
      do:
        cmd: node eval.mjs \${item}
        deps: [model/model.bin]
        outs:
          - eval/\${item}.json
    report:
      cmd: node report.mjs
      deps: [eval]
      outs: [report.md]
  `);
  files['pipelines/q.yaml'] =
    'stages:\n  export:\n    cmd: node export.mjs\n    deps: [model/model.bin]\n    outs: [export/model.onnx]\n';
  const v = await validateFiles(files);
  expect(v.valid).toBe(true);
  return v.pipelines;
}

const names = (stages: { pipeline: string; name: string }[]) =>
  stages.map((s) => `${s.pipeline}:${s.name}`);

describe('stage selection', () => {
  it('runs a pipeline in dependency order', async () => {
    const ps = await pipelines();
    expect(names(selectStages(new StageGraph(ps), ps, { pipelines: ['p'] }))).toEqual([
      'p:prepare',
      'p:train',
      'p:evaluate@val',
      'p:evaluate@test',
      'p:report',
    ]);
  });

  it('pulls in the upstream of another pipeline', async () => {
    const ps = await pipelines();
    expect(names(selectStages(new StageGraph(ps), ps, { pipelines: ['q'] }))).toEqual([
      'p:prepare',
      'p:train',
      'q:export',
    ]);
  });

  it('--stage: the stage (all its foreach instances) and its upstream', async () => {
    const ps = await pipelines();
    const g = new StageGraph(ps);
    expect(names(selectStages(g, ps, { pipelines: ['p'], stage: 'evaluate' }))).toEqual([
      'p:prepare',
      'p:train',
      'p:evaluate@val',
      'p:evaluate@test',
    ]);
    expect(names(selectStages(g, ps, { pipelines: [], stage: 'p:evaluate@test' }))).toEqual([
      'p:prepare',
      'p:train',
      'p:evaluate@test',
    ]);
  });

  it('--downstream: the stage and what reads from it, across pipelines', async () => {
    const ps = await pipelines();
    expect(
      names(
        selectStages(new StageGraph(ps), ps, { pipelines: [], stage: 'train', downstream: true }),
      ),
    ).toEqual(['p:train', 'p:evaluate@val', 'p:evaluate@test', 'p:report', 'q:export']);
  });

  it('refuses unknown pipelines and stages with a hint', async () => {
    const ps = await pipelines();
    const g = new StageGraph(ps);
    expect(() => selectStages(g, ps, { pipelines: ['pp'] })).toThrow(
      'pipeline "pp" does not exist (did you mean "p"?)',
    );
    expect(() => selectStages(g, ps, { pipelines: ['p'], stage: 'trian' })).toThrow(
      'stage "trian" does not exist (did you mean "train"?)',
    );
  });
});
