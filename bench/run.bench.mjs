// `gitops-ml run` on a copy of the penguins example (three Node stages: prepare, train, evaluate):
// a forced full run against the same stage commands run directly in sequence, a fully cached
// re-run against bare `node -e ''` start-up, and the CPU the GPU sampler takes while a stage runs.
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
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

/** CPU milliseconds of this process's reaped children so far (Linux: /proc/self/stat). */
function childrenCpuMs() {
  if (!existsSync('/proc/self/stat')) return undefined;
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // cutime and cstime, fields 16 and 17 of proc(5), in clock ticks (USER_HZ, 100 on Linux).
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
}

const ownCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * The sampler module itself (src/pipeline/gpu/sampler.ts, bundled as the CLI bundles it) sampling
 * 8 GPUs for SAMPLED_FOR_MS while this process does nothing else: its own CPU, and its child's.
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
  const { startSampler } = await import(pathToFileURL(outfile).href);
  const smi = smiStandIn(root, dir);
  const children = childrenCpuMs();
  const own = ownCpuMs();
  const started = performance.now();
  const sampler = startSampler({ uuids: smi.uuids, intervalMs: SAMPLE_MS, program: smi.program });
  await sleep(SAMPLED_FOR_MS);
  const usage = await sampler.stop();
  const wall = performance.now() - started;
  const cpu = ownCpuMs() - own;
  const child = children === undefined ? undefined : childrenCpuMs() - children;
  const samples = usage.reduce((n, u) => n + u.samples, 0);
  if (usage.length !== smi.uuids.length || samples < smi.uuids.length * 5)
    throw new Error(`the sampler read ${samples} samples of ${usage.length} GPUs`);
  return { wall, cpu, child, samples };
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
    const sampling = await samplerCpu(root, dir);
    const overhead = forcedTime.median - directTime.median;
    console.log(
      `\nrun: penguins, ${commands.length} stages; medians of runs taken in turns with their baseline; ` +
        `forced run +${overhead.toFixed(0)} ms (${((overhead / directTime.median) * 100).toFixed(1)}%) over the commands alone`,
    );
    console.log(
      `sampler: ${sampling.samples} samples of 8 GPUs in ${(sampling.wall / 1000).toFixed(1)} s at ${SAMPLE_MS} ms` +
        (sampling.child === undefined
          ? ''
          : `; the nvidia-smi stand-in (a shell loop) took ${sampling.child.toFixed(0)} ms CPU, ${((sampling.child / sampling.wall) * 100).toFixed(2)}% of a core`),
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
        name: 'GPU sampler CPU, 8 GPUs at 1 s (user+sys)',
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
