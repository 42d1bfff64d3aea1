import { gitVersion } from '../../git/info.ts';
import type { Chart } from '../../github/report/model.ts';
import type { Selection } from '../../pipeline/graph.ts';
import type { RunRecord } from '../../pipeline/run/record.ts';
import { writeRunReport } from '../../pipeline/run/report-inputs.ts';
import type { ArtifactStore } from '../../pipeline/run/store.ts';
import { leaderboardRows, type Leaderboard } from '../../pipeline/run/sweep-board.ts';
import { planSweep, type SweepPlan } from '../../pipeline/run/sweep-plan.ts';
import {
  runSweep,
  type ExecuteStages,
  type SweepOutcome,
  type SweepProgress,
} from '../../pipeline/run/sweep-run.ts';
import type { Assignment } from '../../pipeline/sweep.ts';
import { renderTable } from '../../metrics/table.ts';
import type { Validation } from '../../spec/validate.ts';
import type { ValidationReport } from '../../validation/results.ts';
import type { CommandContext, CommandOutcome } from '../command.ts';

export interface SweepCommandInput {
  validation: Validation;
  selection: Selection;
  dryRun: boolean;
  /** The runner as `run` configured it, taking a trial's params and pipelines. */
  execute: ExecuteStages;
  store: ArtifactStore;
  signal: AbortSignal;
  git: RunRecord['git'];
  /** The data checks of the trials so far (each dataset is checked once per sweep). */
  dataChecks: () => readonly ValidationReport[];
  /** What to compare the best trial with in the report (`run --base`). */
  base: string | undefined;
}

/** The sweep at a glance for the PR report: the metric of every trial that produced it. */
export function sweepChart(board: Leaderboard): Chart | undefined {
  const scored = [...board.trials]
    .filter((t) => typeof t.metric === 'number')
    .sort((a, b) => a.id.localeCompare(b.id));
  if (scored.length === 0) return undefined;
  return {
    title: `Sweep: ${board.metric.name} by trial (best ${board.best ?? 'none'}, applied)`.slice(
      0,
      200,
    ),
    kind: 'bar',
    xLabel: 'trial',
    yLabel: board.metric.name.slice(0, 100),
    x: scored.map((t) => t.id),
    series: [
      { name: board.metric.name.slice(0, 100), values: scored.map((t) => t.metric as number) },
    ],
  };
}

/** The best trial, applied, is the run this pull request proposes: write its report model. */
async function reportBest(
  input: SweepCommandInput,
  plan: SweepPlan,
  { board, records }: SweepOutcome,
  { record, path }: NonNullable<SweepOutcome['applied']>,
  ctx: CommandContext,
): Promise<void> {
  const chart = sweepChart(board);
  await writeRunReport({
    root: ctx.root,
    repo: input.validation.repo,
    pipeline: plan.pipeline,
    record,
    recordPath: path,
    validation: input.dataChecks().find((v) => v.pipeline === plan.pipeline.name),
    base: input.base,
    files: records,
    ...(chart && { charts: [chart] }),
    env: ctx.io.env,
    note: (message) => ctx.io.stderr.write(`${ctx.style.dim('note:')} ${message}\n`),
  });
}

const showParams = (params: Assignment) =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');

function progress(ctx: CommandContext): SweepProgress {
  const s = ctx.style;
  const write = (text: string) => ctx.io.stderr.write(text);
  return {
    trialStart(trial, count) {
      write(s.bold(`━━ ${trial.id} (${trial.index + 1}/${count}): ${showParams(trial.params)}\n`));
    },
    trialEnd(trial) {
      write(
        trial.status === 'ok'
          ? `${s.green('✓')} ${trial.id}: ${String(trial.metric)}\n`
          : `${s.red('✗')} ${trial.id} failed: ${trial.error ?? 'unknown'}\n`,
      );
    },
    note(message) {
      write(`${s.dim('note:')} ${message}\n`);
    },
  };
}

function planned(plan: SweepPlan, ctx: CommandContext): CommandOutcome {
  const names = Object.keys(plan.sweep.params);
  const rows = [
    ['trial', ...names],
    ...plan.trials.map((t) => [t.id, ...names.map((n) => String(t.params[n]))]),
  ];
  ctx.io.stderr.write(
    `${plan.trials.length} trials of ${plan.pipeline.name} (${plan.sweep.method}), ranked by ${plan.objective.metric} (${plan.objective.goal}):\n${renderTable(rows, false)}`,
  );
  if (ctx.json)
    ctx.io.stdout.write(
      JSON.stringify(
        {
          status: 'planned',
          exitCode: 0,
          pipeline: plan.pipeline.name,
          method: plan.sweep.method,
          metric: plan.objective,
          paramsFile: plan.paramsFile,
          trials: plan.trials.map((t) => ({ id: t.id, params: t.params })),
        },
        null,
        2,
      ) + '\n',
    );
  return { exitCode: 0, outputs: { status: 'planned' } };
}

function verdict(board: Leaderboard, ctx: CommandContext): string {
  const s = ctx.style;
  const best = board.trials.find((t) => t.id === board.best);
  if (board.status === 'interrupted')
    return `${s.red('✗')} sweep interrupted; ${board.paramsFile} has its original content`;
  if (!best)
    return `${s.red('✗')} no trial succeeded; ${board.paramsFile} has its original content`;
  const failed = board.trials.filter((t) => t.status === 'failed').length;
  return `${failed ? s.yellow('!') : s.green('✓')} best: ${best.id}, ${board.metric.name} ${String(best.metric)} (${showParams(best.params)}); its params, lock and outputs are in the workspace${failed ? `; ${failed} of ${board.trials.length} trials failed` : ''}`;
}

/** `run <pipeline> --sweep`: every trial, the leaderboard, the best trial applied. */
export async function sweepCommand(
  input: SweepCommandInput,
  ctx: CommandContext,
): Promise<CommandOutcome> {
  const plan = planSweep(input.validation.repo, input.validation.pipelines, input.selection);
  if (input.dryRun) return planned(plan, ctx);
  const outcome = await runSweep(plan, {
    root: ctx.root,
    repo: input.validation.repo,
    execute: input.execute,
    store: input.store,
    signal: input.signal,
    facts: {
      git: input.git,
      gitVersion: await gitVersion(ctx.root),
      nvidiaDriver: null,
      runnerClass: ctx.io.env.GITOPS_ML_RUNNER_CLASS,
      env: ctx.io.env,
    },
    config: input.validation.repo.config?.data,
    progress: progress(ctx),
  });
  const { board, records } = outcome;
  if (outcome.applied) await reportBest(input, plan, outcome, outcome.applied, ctx);
  const rows = leaderboardRows(board);
  ctx.io.stderr.write(
    `\n${renderTable(rows, false)}${verdict(board, ctx)}\n${ctx.style.dim(`(leaderboard and run records: ${records.join(', ')})`)}\n`,
  );
  if (ctx.json)
    ctx.io.stdout.write(
      JSON.stringify({ ...board, exitCode: outcome.exitCode, records }, null, 2) + '\n',
    );
  return {
    exitCode: outcome.exitCode,
    summary: `### Sweep of ${board.pipeline}: ${board.status}\n\n${renderTable(rows, true)}`,
    outputs: {
      status: board.status,
      'best-trial': board.best ?? '',
      'run-records': JSON.stringify(records),
    },
  };
}
