import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readParamsFiles } from './params-files.ts';
import type { ResolvedPipeline, ResolvedStage } from '../../spec/expand.ts';
import type { LoadedRepo } from '../../spec/repo.ts';
import type { RepoConfig } from '../../spec/schema/repo-config.ts';
import { getDotted } from '../../spec/template.ts';
import { writeFileAtomic } from '../../data/atomic.ts';
import { leaderboard } from '../sweep.ts';
import { pyEqual } from '../../metrics/pyvalue.ts';
import type { LockedStage } from '../status.ts';
import { lockFiles } from './lock-store.ts';
import type { ParamsFiles } from './observe.ts';
import { ParamsGuard, recoverParams } from './params-guard.ts';
import { setParams } from './params-override.ts';
import {
  buildRunRecord,
  recordPathFor,
  writeRunRecord,
  type RunFacts,
  type RunRecord,
} from './record.ts';
import type { RunResult } from './runner.ts';
import type { ArtifactStore } from './store.ts';
import { applyTrial, keepTrial, type KeptTrial } from './sweep-apply.ts';
import {
  buildLeaderboard,
  sweepExitCode,
  sweepStatus,
  type Leaderboard,
  type SweepTrial,
} from './sweep-board.ts';
import { measure } from './sweep-objective.ts';
import { trialStages, type PlannedTrial, type SweepPlan } from './sweep-plan.ts';
import { workDir } from './workdir.ts';

/** The normal runner with a trial's params texts and re-resolved pipelines (run.ts's options). */
export type ExecuteStages = (
  stages: readonly ResolvedStage[],
  inputs: { params: ParamsFiles; pipelines: ReadonlyMap<string, ResolvedPipeline> },
) => Promise<RunResult>;

export interface SweepProgress {
  trialStart(trial: PlannedTrial, count: number): void;
  trialEnd(trial: SweepTrial): void;
  note(message: string): void;
}

export interface SweepOptions {
  root: string;
  repo: LoadedRepo;
  execute: ExecuteStages;
  store: ArtifactStore;
  signal: AbortSignal;
  /** Run record facts shared by every trial. */
  facts: Omit<RunFacts, 'id' | 'startedAt' | 'finishedAt'>;
  config: RepoConfig | undefined;
  progress: SweepProgress;
}

/** A trial's run record: a run record plus which trial it was. */
export type TrialRecord = RunRecord & {
  sweep: { trial: string; params: SweepTrial['params']; metric: number | null; error?: string };
};

export interface SweepOutcome {
  board: Leaderboard;
  exitCode: 0 | 1 | 2 | 3;
  /** Files written: each trial's record, the leaderboard, the pipeline's record (the best trial). */
  records: string[];
  /** The best trial's run record, now the pipeline's, when it was applied. */
  applied?: { record: RunRecord; path: string };
}

/** `<record dir>/<pipeline>.sweep/`: one run record per trial and leaderboard.json. */
export function sweepDirFor(pipeline: ResolvedPipeline): string {
  return join(dirname(recordPathFor(pipeline)), `${pipeline.name}.sweep`);
}

const DONE = new Set(['ran', 'skipped', 'restored', 'frozen']);

/** The lock entries of the stages a trial completed, read back from the lock files. */
async function completedLocks(root: string, stages: readonly ResolvedStage[], result: RunResult) {
  const done = new Set(
    result.stages.filter((r) => DONE.has(r.action)).map((r) => `${r.pipeline}:${r.stage}`),
  );
  const locks = lockFiles(root);
  const out: KeptTrial['locks'] = [];
  for (const stage of stages) {
    if (!done.has(`${stage.pipeline}:${stage.name}`)) continue;
    const entry = (await locks.read(stage.source.file)).get(stage.name);
    if (entry) out.push({ stage, entry });
  }
  return out;
}

interface TrialRun {
  trial: SweepTrial;
  kept?: KeptTrial;
  record: TrialRecord;
  interrupted: boolean;
}

async function runTrial(
  plan: SweepPlan,
  planned: PlannedTrial,
  guard: ParamsGuard,
  scratch: string,
  options: SweepOptions,
): Promise<TrialRun> {
  const { root } = options;
  const startedAt = new Date();
  const resolved = trialStages(options.repo, plan, guard.original(plan.paramsFile), planned);
  await guard.write(plan.paramsFile, resolved.text);
  const result: RunResult = resolved.ok
    ? await options.execute(resolved.stages, {
        params: await readParamsFiles(root, resolved.stages),
        pipelines: resolved.pipelines,
      })
    : { status: 'failed', exitCode: 2, stages: [] };
  const pipeline = (resolved.ok && resolved.pipelines.get(plan.pipeline.name)) || plan.pipeline;
  const locks = resolved.ok ? await completedLocks(root, resolved.stages, result) : [];
  const failed = result.stages.find((s) => s.error !== undefined && !DONE.has(s.action));
  let error = resolved.ok ? failed && `${failed.stage}: ${failed.error}` : resolved.error;
  let metric: number | null = null;
  let exitCode = result.exitCode;
  if (result.status === 'succeeded') {
    const measured = await measure(root, plan.objective);
    if (measured.ok) metric = measured.value;
    else [error, exitCode] = [measured.error, 1];
  }
  const status = metric === null ? 'failed' : 'ok';
  if (status === 'failed' && error === undefined) error = `run ${result.status}`;
  const path = join(sweepDirFor(plan.pipeline), `${planned.id}.run.json`);
  const base = buildRunRecord(
    pipeline,
    status === 'ok' ? 'succeeded' : result.status === 'interrupted' ? 'interrupted' : 'failed',
    result.stages,
    new Map(
      locks
        .filter((l) => l.stage.source.file === pipeline.spec.source.file)
        .map((l): [string, LockedStage] => [l.stage.name, l.entry]),
    ),
    { ...options.facts, id: randomUUID(), startedAt, finishedAt: new Date() },
    options.config,
  );
  const record: TrialRecord = {
    ...base,
    sweep: {
      trial: planned.id,
      params: planned.params,
      metric,
      ...(error === undefined ? {} : { error }),
    },
  };
  await writeRunRecord(root, path, record);
  const trial: SweepTrial = {
    trial: planned.index,
    id: planned.id,
    params: planned.params,
    metric,
    status,
    exitCode,
    ...(error === undefined ? {} : { error }),
    stages: Object.fromEntries(
      result.stages.map((s) => [
        s.pipeline === plan.pipeline.name ? s.stage : `${s.pipeline}:${s.stage}`,
        s.action,
      ]),
    ),
    seconds: base.seconds,
    cost: base.cost,
    record: path,
  };
  return {
    trial,
    record,
    interrupted: result.status === 'interrupted',
    ...(status === 'ok' ? { kept: await keepTrial(root, join(scratch, planned.id), locks) } : {}),
  };
}

/** The params file text to leave: the original bytes when the best values are the original ones. */
function appliedText(options: SweepOptions, plan: SweepPlan, original: string, best: TrialRun) {
  const data = options.repo.params.get(plan.paramsFile)?.data;
  const unchanged = Object.entries(best.trial.params).every(([key, value]) =>
    pyEqual(getDotted(data, key).value, value),
  );
  return unchanged ? undefined : setParams(original, best.trial.params);
}

/**
 * Run every trial of a sweep with the normal runner (cache, lock, outputs into the cache), each
 * with its values written into the params file, and rank them. Failed trials are recorded and
 * the sweep goes on; an interruption stops it. Then, as `dvc exp apply`: the best trial's params
 * go into the params file and its lock entries and outputs into the workspace. Otherwise the
 * params file gets its original bytes back, on failure and on signals too.
 */
export async function runSweep(plan: SweepPlan, options: SweepOptions): Promise<SweepOutcome> {
  const { root } = options;
  for (const file of await recoverParams(root))
    options.progress.note(`put back ${file}, left with a trial's values by a killed sweep`);
  const dir = sweepDirFor(plan.pipeline);
  await rm(join(root, dir), { recursive: true, force: true });
  const guard = await ParamsGuard.hold(root, [plan.paramsFile]);
  const scratch = workDir(root, 'sweep', `${process.pid}-${Date.now()}`);
  const runs: TrialRun[] = [];
  let interrupted = false;
  let applied: TrialRun | undefined;
  try {
    for (const planned of plan.trials) {
      if (options.signal.aborted) {
        interrupted = true;
        break;
      }
      options.progress.trialStart(planned, plan.trials.length);
      const run = await runTrial(plan, planned, guard, scratch, options);
      runs.push(run);
      options.progress.trialEnd(run.trial);
      if (run.interrupted) {
        interrupted = true;
        break;
      }
    }
    const best = leaderboard(
      runs.map((r) => r.trial),
      plan.objective.goal,
    )[0];
    const winner = runs.find((r) => r.trial === best && r.kept !== undefined);
    if (!interrupted && winner?.kept) {
      await applyTrial(root, winner.kept, options.store);
      const text = appliedText(options, plan, guard.original(plan.paramsFile), winner);
      if (text !== undefined) {
        await guard.write(plan.paramsFile, text);
        await guard.keep();
      }
      applied = winner;
    }
  } finally {
    await guard.restore();
    await rm(scratch, { recursive: true, force: true });
  }
  const trials = runs.map((r) => r.trial);
  const currency = options.config?.currency ?? 'USD';
  const board = buildLeaderboard(
    plan,
    trials,
    sweepStatus(trials, interrupted),
    applied !== undefined,
    currency,
  );
  const boardPath = join(dir, 'leaderboard.json');
  await writeFileAtomic(join(root, boardPath), JSON.stringify(board, null, 2) + '\n');
  const records = [...trials.map((t) => t.record), boardPath];
  if (!applied) return { board, exitCode: sweepExitCode(board), records };
  const path = recordPathFor(plan.pipeline);
  await writeRunRecord(root, path, applied.record);
  records.push(path);
  return {
    board,
    exitCode: sweepExitCode(board),
    records,
    applied: { record: applied.record, path },
  };
}
