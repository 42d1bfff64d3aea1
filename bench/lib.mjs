// Shared timing helpers: every benchmark prints its result next to a baseline measured in the same run.
import { spawnSync } from 'node:child_process';

/** Wall-clock milliseconds of each run of a command (after warm-up runs), and the median. */
export function timeCommand(argv, { runs = 15, warmup = 2, cwd, env, expectCode = 0 } = {}) {
  const samples = [];
  for (let i = 0; i < warmup + runs; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(argv[0], argv.slice(1), {
      cwd,
      env: env ?? process.env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== expectCode) {
      throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr?.toString().slice(-2000)}`);
    }
    if (i >= warmup) samples.push(ms);
  }
  return summarize(samples);
}

export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return { median, min: sorted[0], max: sorted.at(-1), runs: sorted.length };
}

export function ms(x) {
  return `${x.toFixed(1)} ms`;
}

/** One result line: name, measurement, baseline, ratio, and whether the target holds. */
export function report({ name, value, baseline, baselineName, target, pass }) {
  const ratio = value / baseline;
  const verdict = pass === undefined ? '' : pass ? '  ok' : '  MISSED';
  console.log(
    `${name.padEnd(44)} ${ms(value).padStart(10)}   ${baselineName} ${ms(baseline).padStart(9)}   ratio ${ratio.toFixed(2)}x   target ${target}${verdict}`,
  );
  return { name, value, baseline, ratio, pass };
}
