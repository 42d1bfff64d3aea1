// Shared timing helpers: every benchmark prints its result next to a baseline measured in the same run.
import { execFileSync, spawnSync } from 'node:child_process';

/** Run a command to its end; throws with the end of its stderr unless it exits `expectCode`. */
export function spawnOk(argv, { cwd, env, expectCode = 0 } = {}) {
  const r = spawnSync(argv[0], argv.slice(1), {
    cwd,
    env: env ?? process.env,
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 1 << 26,
  });
  if (r.status !== expectCode) {
    throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr?.toString().slice(-2000)}`);
  }
}

/**
 * Wall-clock milliseconds of each of several functions, run in turns (after warm-up rounds) so
 * that whatever else loads a shared machine falls on all of them alike; a summary for each.
 */
export function timeTurns(fns, { runs = 5, warmup = 1 } = {}) {
  const samples = fns.map(() => []);
  for (let i = 0; i < warmup + runs; i++) {
    fns.forEach((fn, j) => {
      const start = process.hrtime.bigint();
      fn();
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (i >= warmup) samples[j].push(ms);
    });
  }
  return samples.map(summarize);
}

/** Wall-clock milliseconds of each run of a command (after warm-up runs), and the median. */
export function timeCommand(argv, { runs = 15, warmup = 2, ...options } = {}) {
  return timeTurns([() => spawnOk(argv, options)], { runs, warmup })[0];
}

export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return { median, min: sorted[0], max: sorted.at(-1), runs: sorted.length };
}

export function ms(x) {
  return `${x.toFixed(1)} ms`;
}

/** Commit every file of `dir` as the first commit of a new repository on `main`. */
export function commitAll(dir) {
  const git = (...args) =>
    execFileSync('git', ['-c', 'init.defaultBranch=main', ...args], {
      cwd: dir,
      stdio: 'ignore',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'b',
        GIT_AUTHOR_EMAIL: 'b@b',
        GIT_COMMITTER_NAME: 'b',
        GIT_COMMITTER_EMAIL: 'b@b',
      },
    });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'bench');
}

/** One result line: name, measurement, baseline, ratio, and whether the target holds. */
export function report({ name, value, baseline, baselineName, target, pass }) {
  const ratio = value / baseline;
  const verdict = pass === undefined ? '' : pass ? '  ok' : '  MISSED';
  // Small ratios (a fraction of a core) keep two significant digits.
  const shown = ratio < 0.1 ? ratio.toPrecision(2) : ratio.toFixed(2);
  console.log(
    `${name.padEnd(44)} ${ms(value).padStart(10)}   ${baselineName} ${ms(baseline).padStart(9)}   ratio ${shown}x   target ${target}${verdict}`,
  );
  return { name, value, baseline, ratio, pass };
}
