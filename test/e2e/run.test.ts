import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { captureIo } from '../support/io.ts';
import { cpuRunnerConfig, nodeScript } from '../support/node-stages.ts';
import { indent, yaml } from '../support/memory-repo.ts';
import { gitRepo, projectRoot } from '../support/temp.ts';
import { main } from '../../src/cli/main.ts';

/** A three-stage pipeline of small node scripts: prepare → train → evaluate. */
function pipelineRepo(extraStages = '', params = 'seed: 1\ntrain:\n  lr: 0.1\n'): string {
  return gitRepo({
    'gitops-ml.yaml': cpuRunnerConfig,
    'params.yaml': params,
    'data/raw.txt': 'a\nb\nc\n',
    'prepare.mjs': nodeScript(
      "mkdirSync('work', { recursive: true }); writeFileSync('work/prepared.txt', readFileSync('data/raw.txt', 'utf8').toUpperCase() + args[0] + '\\n'); console.log('prepared');",
    ),
    'train.mjs': nodeScript(
      "if (args[0] === 'fail') { console.log('loss went NaN at step 3'); process.exit(4); } mkdirSync('model', { recursive: true }); writeFileSync('model/model.txt', 'weights lr=' + args[0] + '\\n' + readFileSync('work/prepared.txt', 'utf8')); console.log('trained');",
    ),
    'evaluate.mjs': nodeScript(
      "writeFileSync('metrics.json', JSON.stringify({ accuracy: readFileSync('model/model.txt', 'utf8').length / 100 }) + '\\n'); console.log('evaluated');",
    ),
    'pipelines/p.yaml':
      yaml`
        stages:
          prepare:
            cmd: node prepare.mjs \${seed}
            deps: [data/raw.txt, prepare.mjs]
            params: [seed]
            outs: [work/prepared.txt]
          train:
            cmd: node train.mjs \${train.lr}
            deps: [work/prepared.txt, train.mjs]
            params: [train.lr]
            outs: [model]
          evaluate:
            cmd: node evaluate.mjs
            deps: [model, evaluate.mjs]
            metrics:
              - metrics.json: {cache: false}
      ` + extraStages,
    '.gitignore': '/work\n/model\n',
  });
}

async function run(repo: string, ...args: string[]) {
  const io = captureIo(repo, {
    PATH: process.env.PATH,
    GITHUB_TOKEN: 'ghs_not_for_stages',
    HOME: process.env.HOME,
  });
  const code = await main(['run', ...args, '--json'], io);
  const result = JSON.parse(io.out()) as {
    status: string;
    stages: {
      stage: string;
      action: string;
      error?: string;
      tail?: string[];
      reasons: string[];
      cost: { amount: number | null };
    }[];
    records: string[];
  };
  return {
    code,
    result,
    err: io.err(),
    actions: result.stages.map((s) => `${s.stage}:${s.action}`),
  };
}

const read = (repo: string, path: string) => readFileSync(join(repo, path), 'utf8');

describe('gitops-ml run', () => {
  it('runs stages in order, writes a dvc.lock-format lock, caches outputs, records the run', async () => {
    const repo = pipelineRepo();
    const first = await run(repo, 'p');
    expect(first.code).toBe(0);
    expect(first.actions).toEqual(['prepare:ran', 'train:ran', 'evaluate:ran']);
    const lock = parse(read(repo, 'pipelines/p.lock')) as {
      schema: string;
      stages: Record<
        string,
        {
          cmd: string;
          deps: { path: string; md5: string }[];
          params: unknown;
          outs: { path: string; md5: string; nfiles?: number }[];
        }
      >;
    };
    expect(lock.schema).toBe('2.0');
    expect(Object.keys(lock.stages)).toEqual(['prepare', 'train', 'evaluate']);
    expect(lock.stages.train!.cmd).toBe('node train.mjs 0.1');
    expect(lock.stages.train!.params).toEqual({ 'params.yaml': { 'train.lr': 0.1 } });
    expect(lock.stages.train!.outs).toEqual([
      {
        path: 'model',
        hash: 'md5',
        md5: expect.stringMatching(/^[0-9a-f]{32}\.dir$/) as unknown,
        size: expect.any(Number) as unknown,
        nfiles: 1,
      },
    ]);
    // The directory manifest and the file are in the DVC cache layout.
    const dirOid = lock.stages.train!.outs[0]!.md5.replace('.dir', '');
    expect(
      existsSync(join(repo, '.dvc/cache/files/md5', dirOid.slice(0, 2), dirOid.slice(2) + '.dir')),
    ).toBe(true);
    expect(first.result.records).toEqual(['runs/p.run.json']);
    const record = JSON.parse(read(repo, 'runs/p.run.json')) as {
      status: string;
      stages: unknown[];
      params: unknown;
      cost: { amount: number };
      git: { commit: string };
    };
    expect(record.status).toBe('succeeded');
    expect(record.params).toEqual({ 'params.yaml': { seed: 1, 'train.lr': 0.1 } });
    expect(record.git.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(record.cost.amount).toBeGreaterThan(0);
  });

  it('skips what is up to date, and re-runs from the first stage a change touches', async () => {
    const repo = pipelineRepo();
    await run(repo, 'p');
    expect((await run(repo, 'p')).actions).toEqual([
      'prepare:skipped',
      'train:skipped',
      'evaluate:skipped',
    ]);
    writeFileSync(join(repo, 'params.yaml'), 'seed: 1\ntrain:\n  lr: 0.2\n');
    const again = await run(repo, 'p');
    expect(again.actions).toEqual(['prepare:skipped', 'train:ran', 'evaluate:ran']);
    expect(again.result.stages[1]!.reasons).toEqual([
      'command changed',
      'param train.lr changed: 0.1 → 0.2',
    ]);
  });

  it('restores deleted outputs from the cache instead of running again', async () => {
    const repo = pipelineRepo();
    await run(repo, 'p');
    const model = read(repo, 'model/model.txt');
    rmSync(join(repo, 'model'), { recursive: true });
    expect((await run(repo, 'p')).actions).toEqual([
      'prepare:skipped',
      'train:restored',
      'evaluate:skipped',
    ]);
    expect(read(repo, 'model/model.txt')).toBe(model);
  });

  it('a failing stage keeps its previous lock entry and outputs, runs nothing after it, exits 1 with the tail', async () => {
    const repo = pipelineRepo();
    await run(repo, 'p');
    const lockBefore = read(repo, 'pipelines/p.lock');
    const modelBefore = read(repo, 'model/model.txt');
    writeFileSync(join(repo, 'params.yaml'), 'seed: 1\ntrain:\n  lr: fail\n');
    const failed = await run(repo, 'p');
    expect(failed.code).toBe(1);
    expect(failed.actions).toEqual(['prepare:skipped', 'train:failed']);
    expect(failed.result.stages[1]!.error).toBe('exited with code 4');
    expect(failed.result.stages[1]!.tail).toEqual(['loss went NaN at step 3']);
    expect(read(repo, 'pipelines/p.lock')).toBe(lockBefore);
    expect(read(repo, 'model/model.txt')).toBe(modelBefore);
    expect(failed.err).toContain('✗ p:train exited with code 4');
    // Fixed: the run resumes at the failed stage.
    writeFileSync(join(repo, 'params.yaml'), 'seed: 1\ntrain:\n  lr: 0.3\n');
    expect((await run(repo, 'p')).actions).toEqual([
      'prepare:skipped',
      'train:ran',
      'evaluate:ran',
    ]);
  });

  it('gives a stage an allowlisted environment without tokens', async () => {
    const repo = pipelineRepo(
      indent(yaml`
      env-dump:
        cmd: node -e "require('fs').writeFileSync('env.json', JSON.stringify(process.env))"
        outs: [env.json]
    `),
    );
    const r = await run(repo, 'p', '--stage', 'env-dump');
    expect(r.code).toBe(0);
    const env = JSON.parse(read(repo, 'env.json')) as Record<string, string>;
    expect(env.GITHUB_TOKEN).toBeUndefined();
    expect(env.GITOPS_ML_STAGE).toBe('env-dump');
    expect(env.PATH).toBe(process.env.PATH);
  });

  it('blocks a stage whose dependency is missing: exit 2, nothing run', async () => {
    const repo = pipelineRepo();
    rmSync(join(repo, 'data/raw.txt'));
    const r = await run(repo, 'p');
    expect(r.code).toBe(2);
    expect(r.actions).toEqual(['prepare:blocked']);
    expect(r.result.stages[0]!.error).toContain('dependency data/raw.txt does not exist');
  });

  it('kills a stage that runs past its timeout', async () => {
    const repo = pipelineRepo(
      indent(yaml`
      slow:
        cmd: sleep 30
        resources: {timeout: 1s}
    `),
    );
    const r = await run(repo, 'p', '--stage', 'slow');
    expect(r.code).toBe(1);
    expect(r.result.stages.at(-1)!.error).toBe('timed out after 1s; the process tree was killed');
  });

  it('plans without running with --dry-run', async () => {
    const repo = pipelineRepo();
    const r = await run(repo, 'p', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.actions).toEqual(['prepare:would-run', 'train:would-run', 'evaluate:would-run']);
    expect(existsSync(join(repo, 'pipelines/p.lock'))).toBe(false);
  });

  it('with --dry-run, a stage whose dependency holds an upstream output would run after it', async () => {
    const repo = pipelineRepo(
      indent(yaml`
      summary:
        cmd: node -e "require('fs').writeFileSync('summary.txt', require('fs').readdirSync('work').join(','))"
        deps: [work]
        outs: [summary.txt]
    `),
    );
    expect((await run(repo, 'p')).code).toBe(0);
    writeFileSync(join(repo, 'data/raw.txt'), 'changed\n');
    const r = await run(repo, 'p', '--dry-run');
    expect(r.actions).toContain('prepare:would-run');
    expect(r.actions).toContain('summary:would-run');
    expect(r.result.stages.find((s) => s.stage === 'summary')!.reasons).toEqual([
      'upstream stage prepare would run',
    ]);
  });

  it('on SIGTERM stops the stage, puts its outputs back, and resumes there next time', async () => {
    const repo = pipelineRepo(
      indent(yaml`
      long:
        cmd: node -e "require('fs').writeFileSync('long.txt', 'partial'); setTimeout(() => {}, 60000)"
        deps: [model]
        outs: [long.txt]
    `),
    );
    await run(repo, 'p', '--stage', 'train');
    writeFileSync(join(repo, 'long.txt'), 'previous');
    const child = spawn(
      process.execPath,
      [join(projectRoot, 'bin/gitops-ml.js'), 'run', 'p', '--stage', 'long'],
      { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (!sent && stderr.includes('▶ p:long')) {
        sent = true; // one signal: a second one would kill the process outright
        setTimeout(() => child.kill('SIGTERM'), 300);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(3);
    expect(stderr).toContain('✗ p:long interrupted; its previous outputs were put back');
    expect(read(repo, 'long.txt')).toBe('previous');
    const lock = parse(read(repo, 'pipelines/p.lock')) as { stages: Record<string, unknown> };
    expect(lock.stages.long).toBeUndefined();
  });
});

describe('gitops-ml run on GPUs (recorded nvidia-smi)', () => {
  const fixtures = join(projectRoot, 'test/fixtures/gpu');

  async function gpuRun(repo: string, machine: string, claims: string, ...args: string[]) {
    const io = captureIo(repo, {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GITOPS_ML_NVIDIA_SMI: join(fixtures, 'fake-nvidia-smi.mjs'),
      FAKE_GPU_MACHINE: join(fixtures, `${machine}.json`),
      GITOPS_ML_GPU_SAMPLE_MS: '50',
      GITOPS_ML_GPU_CLAIMS: claims,
    });
    const code = await main(['run', ...args, '--json'], io);
    return {
      code,
      result: JSON.parse(io.out()) as {
        stages: {
          stage: string;
          action: string;
          error?: string;
          gpus: { uuid: string }[];
          usage: { samples: number; utilizationPeak: number | null }[];
          cost: { gpu: number };
        }[];
        records: string[];
      },
    };
  }

  function gpuRepo(count: number): string {
    return gitRepo({
      'gitops-ml.yaml':
        'runners:\n  gpu: {runs-on: [self-hosted, gpu], price: {hour: 1, gpuHour: 2}}\n',
      'pipelines/g.yaml': yaml`
        stages:
          fit:
            cmd: node -e "require('fs').writeFileSync('cuda.txt', process.env.CUDA_VISIBLE_DEVICES + ' ' + process.env.CUDA_DEVICE_ORDER); setTimeout(() => {}, 600)"
            outs: [cuda.txt]
            runner: gpu
            resources: {gpu: {count: ${count}, type: rtx 3090}}
      `,
    });
  }

  it('gives the stage a free GPU by UUID, samples it, and prices GPU time', async () => {
    const repo = gpuRepo(1);
    const { code, result } = await gpuRun(repo, 'rtx3090x2-535', join(repo, '.claims'), 'g');
    expect(code).toBe(0);
    expect(read(repo, 'cuda.txt')).toBe('GPU-9e0a7b3c-6d5f-4a21-b8e9-0c3d7f1a2b56 PCI_BUS_ID');
    const fit = result.stages[0]!;
    expect(fit.gpus.map((g) => g.uuid)).toEqual(['GPU-9e0a7b3c-6d5f-4a21-b8e9-0c3d7f1a2b56']);
    expect(fit.usage[0]!.samples).toBeGreaterThanOrEqual(3);
    expect(fit.usage[0]!.utilizationPeak).toBe(81);
    expect(fit.cost.gpu).toBeGreaterThan(0);
    const record = JSON.parse(read(repo, result.records[0]!)) as {
      tools: { nvidiaDriver: string | null };
      gpus: { uuid: string; name: string }[];
    };
    expect(record.tools.nvidiaDriver).toBe('535.129.03');
    // The PR report gets the GPU use and the cost split.
    const report = JSON.parse(read(repo, '.gitops-ml/report/g.json')) as {
      gpu: { runner: string; devices: { name: string; utilization: { max: number } }[] };
      cost: { items: { label: string }[] };
    };
    expect(report.gpu.runner).toBe('gpu');
    expect(report.gpu.devices.map((d) => [d.name, d.utilization.max])).toEqual([
      ['NVIDIA GeForce RTX 3090', 81],
    ]);
    expect(report.cost.items.map((i) => i.label)).toEqual(['runner time', 'GPU time']);
    expect(record.gpus).toEqual([
      { uuid: 'GPU-9e0a7b3c-6d5f-4a21-b8e9-0c3d7f1a2b56', name: 'NVIDIA GeForce RTX 3090' },
    ]);
  });

  it('fails fast with what the machine has when the request cannot be met: exit 3', async () => {
    const repo = gpuRepo(2);
    const { code, result } = await gpuRun(repo, 'rtx3090x2-535', join(repo, '.claims'), 'g');
    expect(code).toBe(3);
    expect(result.stages[0]!.action).toBe('failed');
    expect(result.stages[0]!.error).toContain(
      'needs 2 GPUs (type rtx 3090); 2 match and 1 of them is free',
    );
    expect(result.stages[0]!.error).toContain('(set resources.gpuWait to wait for busy GPUs)');
  });
});
