import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../../test/support/io.ts';
import { yaml } from '../../../test/support/memory-repo.ts';
import { gitIn, gitRepo } from '../../../test/support/temp.ts';
import { matrices, type MatrixEntry } from '../../pipeline/routing.ts';
import { main } from '../main.ts';

function twoPipelines(): string {
  return gitRepo({
    'gitops-ml.yaml': yaml`
      runners:
        cpu: {runs-on: ubuntu-latest}
        gpu: {runs-on: [self-hosted, gpu], gpu: {count: 2}}
      defaults: {runner: cpu}
    `,
    'params.yaml': 'features: {window: 7}\ntrain: {lr: 0.1}\nunused: 1\n',
    'pipelines/features.yaml': yaml`
      stages:
        build:
          cmd: python build.py --window \${features.window}
          deps: [data/raw.csv, build.py]
          params: [features.window]
          outs: [data/features]
    `,
    'pipelines/model.yaml': yaml`
      stages:
        train:
          cmd: python train.py
          deps: [data/features, train.py]
          params: [train.lr]
          outs: [model.bin]
          runner: gpu
          resources: {gpu: 1, timeout: 2h}
    `,
    'data/raw.csv': 'a\n1\n',
    'build.py': '',
    'train.py': '',
    'README.md': 'hello\n',
  });
}

async function plan(repo: string) {
  const io = captureIo(repo);
  const code = await main(['plan', '--since', 'HEAD', '--json'], io);
  expect(io.err).toBeDefined();
  return {
    code,
    result: JSON.parse(io.out()) as {
      pipelines: { pipeline: string; reasons: string[] }[];
      matrix: { include: MatrixEntry[] };
    },
  };
}

const edit = (repo: string, file: string, text: string) => writeFileSync(join(repo, file), text);

describe('gitops-ml plan --since', () => {
  it('finds nothing to run when nothing relevant changed', async () => {
    const repo = twoPipelines();
    edit(repo, 'README.md', 'changed\n');
    edit(repo, 'params.yaml', 'features: {window: 7}\ntrain: {lr: 0.1}\nunused: 2\n');
    expect((await plan(repo)).result.pipelines).toEqual([]);
  });

  it('runs only the pipeline whose params changed', async () => {
    const repo = twoPipelines();
    edit(repo, 'params.yaml', 'features: {window: 7}\ntrain: {lr: 0.2}\nunused: 1\n');
    const { result } = await plan(repo);
    expect(result.pipelines).toEqual([{ pipeline: 'model', reasons: ['stage train changed'] }]);
    expect(result.matrix).toEqual({
      include: [
        {
          pipeline: 'model',
          'runs-on': ['self-hosted', 'gpu'],
          runner: 'gpu',
          gpus: 1,
          'timeout-minutes': 130,
        },
      ],
    });
  });

  it('runs a pipeline whose data changed, and the pipelines downstream of it', async () => {
    const repo = twoPipelines();
    edit(repo, 'data/raw.csv', 'a\n2\n');
    const { result } = await plan(repo);
    expect(result.pipelines).toEqual([
      { pipeline: 'features', reasons: ['data/raw.csv changed (a dependency of build)'] },
      { pipeline: 'model', reasons: ['upstream pipeline features is affected (data/features)'] },
    ]);
    expect(result.matrix.include.map((e) => [e.pipeline, e['runs-on']])).toEqual([
      ['features', 'ubuntu-latest'],
      ['model', ['self-hosted', 'gpu']],
    ]);
  });

  it('sees committed changes since the merge base, and new stages', async () => {
    const repo = twoPipelines();
    gitIn(repo, 'checkout', '-q', '-b', 'feature');
    edit(
      repo,
      'pipelines/features.yaml',
      'stages:\n  build:\n    cmd: python build.py --window ${features.window}\n    deps: [data/raw.csv, build.py]\n    params: [features.window]\n    outs: [data/features]\n  extra:\n    cmd: echo hi\n',
    );
    gitIn(repo, 'commit', '-qam', 'add a stage');
    const io = captureIo(repo);
    expect(await main(['plan', '--since', 'main', '--json'], io)).toBe(0);
    expect((JSON.parse(io.out()) as { pipelines: unknown }).pipelines).toEqual([
      { pipeline: 'features', reasons: ['stage extra added'] },
    ]);
  });

  it('plans every pipeline without --since, and says why in plain text', async () => {
    const io = captureIo(twoPipelines());
    expect(await main(['plan'], io)).toBe(0);
    expect(io.err()).toBe(
      'features → runs-on "ubuntu-latest"\n  · no --since: every pipeline\nmodel → runs-on ["self-hosted","gpu"], 1 GPU\n  · no --since: every pipeline\n',
    );
  });

  it('splits a plan past 256 jobs into several matrices', () => {
    const entries = Array.from({ length: 600 }, (_, i): MatrixEntry => ({
      pipeline: `p${i}`,
      'runs-on': 'x',
      runner: null,
      gpus: 0,
      'timeout-minutes': 360,
    }));
    expect(matrices(entries).map((m) => m.include.length)).toEqual([256, 256, 88]);
  });
});
