// `gitops-ml run` on a copy of the penguins example (three Node stages: prepare, train, evaluate):
// a forced full run against the same stage commands run directly in sequence, a fully cached
// re-run against bare `node -e ''` start-up, and the CPU the GPU sampler takes while a stage runs.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { build } from 'esbuild';
import { parse } from 'yaml';
import { commitAll, report, spawnOk, timeTurns } from './lib.mjs';

/** What a repository needs to run the penguins pipeline, as in this project's root. */
const EXAMPLE = [
  'gitops-ml.yaml',
  'params.yaml',
  'pipelines/penguins.yaml',
  'models/penguins.yaml',
  'deployments',
  'deploy',
  'examples/penguins',
  'data/penguins.json',
  '.gitignore',
];

function penguinsRepo(root, dir) {
  rmSync(dir, { recursive: true, force: true });
  for (const path of EXAMPLE) cpSync(join(root, path), join(dir, path), { recursive: true });
  // As `dvc init` leaves it: the cache and state stay out of git.
  mkdirSync(join(dir, '.dvc'));
  writeFileSync(join(dir, '.dvc/.gitignore'), '/config.local\n/tmp\n/cache\n');
  commitAll(dir);
}

/** The stage commands as the run resolved them (params substituted), from the lock file. */
function lockedCommands(dir) {
  const lock = parse(readFileSync(join(dir, 'pipelines/penguins.lock'), 'utf8'));
  return ['prepare', 'train', 'evaluate'].flatMap((s) => lock.stages[s].cmd);
}

// --- the GPU sampler -------------------------------------------------------------------------

const SAMPLE_MS = 1000; // GITOPS_ML_GPU_SAMPLE_MS's default
const SAMPLED_FOR_MS = 10_000;

/**
 * A stand-in for `nvidia-smi --query-gpu=... -lms N`: a recorded row per GPU every interval, from
 * a shell loop. The real nvidia-smi is a C program; a Node stand-in would mostly measure Node's
 * own start-up.
 */
function smiStandIn(root, dir) {
  const machine = JSON.parse(readFileSync(join(root, 'test/fixtures/gpu/h100x8-560.json'), 'utf8'));
  const sample = machine.samples[0];
  const rows = machine.gpus.map((g) =>
    [
      g.uuid,
      sample['utilization.gpu'],
      sample['memory.used'],
      sample['power.draw'],
      sample['temperature.gpu'],
    ].join(', '),
  );
  const file = join(dir, 'nvidia-smi-lms.sh');
  writeFileSync(
    file,
    `#!/bin/sh\n# the rows of ${machine.gpus.length} H100s every -lms milliseconds\nwhile :; do\n  printf '%s\\n' ${rows.map((r) => `'${r}'`).join(' ')}\n  sleep ${SAMPLE_MS / 1000}\ndone\n`,
  );
  chmodSync(file, 0o755);
  return { program: file, uuids: machine.gpus.map((g) => g.uuid) };
}

/**
 * The sampler module (src/pipeline/gpu/sampler.ts, bundled as the CLI bundles it) reading 8 GPUs
 * every SAMPLE_MS for SAMPLED_FOR_MS in a process of its own, after that process idled as long.
 */
async function samplerCpu(root, dir) {
  const outfile = join(dir, 'sampler.mjs');
  await build({
    absWorkingDir: root,
    entryPoints: ['src/pipeline/gpu/sampler.ts'],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  const smi = smiStandIn(root, dir);
  const out = execFileSync(process.execPath, [
    join(root, 'bench/sampler-cpu.mjs'),
    outfile,
    smi.program,
    String(SAMPLE_MS),
    String(SAMPLED_FOR_MS),
    ...smi.uuids,
  ]);
  return JSON.parse(out.toString());
}

export async function run({ root }) {
  const dir = join(root, '.bench', 'run');
  const repo = join(dir, 'repo');
  const node = process.execPath;
  const bin = join(root, 'bin', 'gitops-ml.js');
  const env = { ...process.env, GITOPS_ML_NVIDIA_SMI: undefined, GITHUB_ACTIONS: undefined };
  try {
    penguinsRepo(root, repo);
    const gitopsMl =
      (...args) =>
      () =>
        spawnOk([node, bin, 'run', 'penguins', ...args], { cwd: repo, env });
    gitopsMl()(); // the first run: lock file, cache
    const commands = lockedCommands(repo);
    const direct = () => {
      for (const command of commands) spawnOk(['/bin/sh', '-c', command], { cwd: repo, env });
    };
    const [directTime, forcedTime] = timeTurns([direct, gitopsMl('--force')], { runs: 5 });
    // Files written in the last 2 s are hashed again (their mtime may not have settled yet): a
    // re-run long after the last one finds them all in the state cache.
    await sleep(2100);
    const [bare, cached] = timeTurns([() => spawnOk([node, '-e', '']), gitopsMl()], {
      runs: 11,
      warmup: 2,
    });
    const { idle, sampling } = await samplerCpu(root, dir);
    const overhead = forcedTime.median - directTime.median;
    const perCore = (cpu, wall) => `${((cpu / wall) * 100).toFixed(2)}% of a core`;
    console.log(
      `\nrun: penguins, ${commands.length} stages; medians of runs taken in turns with their baseline; ` +
        `forced run +${overhead.toFixed(0)} ms (${((overhead / directTime.median) * 100).toFixed(1)}%) over the commands alone`,
    );
    console.log(
      `sampler: ${sampling.samples} samples of 8 GPUs in ${(sampling.wall / 1000).toFixed(1)} s at ${SAMPLE_MS} ms, ` +
        `in a process that took ${idle.cpu.toFixed(0)} ms (${perCore(idle.cpu, idle.wall)}) idle as long` +
        (sampling.child === undefined
          ? ''
          : `; the nvidia-smi stand-in (a shell loop) took ${sampling.child.toFixed(0)} ms (${perCore(sampling.child, sampling.wall)})`),
    );
    return [
      report({
        name: 'run --force, 3 stages (whole process)',
        value: forcedTime.median,
        baseline: directTime.median,
        baselineName: 'same commands',
        target: '<= 1.03x + 200 ms',
        pass: forcedTime.median <= directTime.median * 1.03 + 200,
      }),
      report({
        name: 'run, fully cached (whole process)',
        value: cached.median,
        baseline: bare.median,
        baselineName: "node -e ''",
        target: '<= 500 ms',
        pass: cached.median <= 500,
      }),
      report({
        name: 'GPU sampler, 8 GPUs at 1 s (process CPU)',
        value: sampling.cpu,
        baseline: sampling.wall,
        baselineName: 'wall time',
        target: '<= 0.01x (1% of a core)',
        pass: sampling.cpu <= 0.01 * sampling.wall,
      }),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
