import type { ResolvedPipeline, ResolvedStage } from '../../spec/expand.ts';
import { costOf } from '../cost.ts';
import { StageGraph, stageId } from '../graph.ts';
import { decide, type Decision } from '../status.ts';
import { recoverBackups } from './backup.ts';
import { checkFailure, type CheckOutcome, type DataChecks } from './data-checks.ts';
import type { LockFiles } from './lockfiles.ts';
import { observe } from './observe.ts';
import { exitCodeFor, type RunStatus, type StageReport } from './report.ts';
import { runStage, type StageContext } from './stage.ts';

export interface RunOptions extends StageContext {
  pipelines: ReadonlyMap<string, ResolvedPipeline>;
  locks: LockFiles;
  force?: boolean;
  dryRun?: boolean;
  dataChecks?: DataChecks | undefined;
}

export interface RunResult {
  status: RunStatus;
  /** 0 ok, 1 a stage or a data check failed, 2 bad input (a missing dependency), 3 runner trouble. */
  exitCode: 0 | 1 | 2 | 3;
  stages: StageReport[];
}

function quiet(
  stage: ResolvedStage,
  action: StageReport['action'],
  reasons: string[],
  extra: Partial<StageReport> = {},
): StageReport {
  return quietReport(stage.pipeline, stage.name, action, reasons, extra);
}

function quietReport(
  pipeline: string,
  stage: string,
  action: StageReport['action'],
  reasons: string[],
  extra: Partial<StageReport> = {},
): StageReport {
  return {
    pipeline,
    stage,
    action,
    reasons,
    seconds: 0,
    gpus: [],
    usage: [],
    cost: costOf({ seconds: 0, gpus: 0, energyWh: null }, undefined),
    runner: null,
    attempts: 0,
    ...extra,
  };
}

const failureOfExit = { 1: 'checks', 2: 'input', 3: 'infrastructure' } as const;

/** Each dataset checked, as a step `validate@<dataset>` of its pipeline. */
function checkReports(outcome: CheckOutcome): StageReport[] {
  return outcome.map(({ result, seconds, exitCode }) => {
    const base = quietReport(result.pipeline, `validate@${result.dataset}`, 'ran', [], {
      seconds: Math.round(seconds * 1000) / 1000,
      dataset: result.dataset,
    });
    if (exitCode === 0) return base;
    return {
      ...base,
      action: 'failed',
      failure: failureOfExit[exitCode],
      error: `data validation failed: ${checkFailure(result)}`,
    };
  });
}

/**
 * Run stages in order with DVC's rules: skip what is up to date, restore what the cache holds,
 * run the rest; stop at the first failure with the failed stage's lock entry and outputs untouched
 * and no later stage run. A re-run resumes at the first stale stage.
 */
export async function runStages(
  stages: readonly ResolvedStage[],
  options: RunOptions,
): Promise<RunResult> {
  const reports: StageReport[] = [];
  if (!options.dryRun) {
    for (const stage of await recoverBackups(options.root)) {
      options.log.note(`put back the outputs of ${stage}, left moved aside by an interrupted run`);
    }
  }
  // The lock files keep what they read and what the run updates.
  const lockOf = async (stage: ResolvedStage) =>
    (await options.locks.read(stage.source.file)).get(stage.name);
  const willRun = new Set<string>();
  // A dry run plans a stage to run after any upstream stage it plans to run.
  const graph = options.dryRun ? new StageGraph([...options.pipelines.values()]) : undefined;
  const ran = new Set<ResolvedPipeline>();
  let exitCode: RunResult['exitCode'] = 0;
  let status: RunStatus = options.dryRun ? 'planned' : 'succeeded';
  /** Report checked datasets; false when one failed, which fails the run. */
  const record = (outcome: CheckOutcome): boolean => {
    let ok = true;
    for (const report of checkReports(outcome)) {
      reports.push(report);
      options.log.stageEnd(report);
      if (report.failure && ok) {
        ok = false;
        status = 'failed';
        exitCode = exitCodeFor[report.failure];
      }
    }
    return ok;
  };
  for (const stage of stages) {
    const pipeline = options.pipelines.get(stage.pipeline)!;
    if (options.signal.aborted) {
      status = 'interrupted';
      exitCode = 3;
      break;
    }
    const locked = await lockOf(stage);
    const observed = await observe(stage, locked, options.store, options.params);
    let decision: Decision = decide(stage, locked, observed, { force: options.force === true });
    if (options.dryRun) {
      const upstream = [...graph!.upstreamOf(stageId(stage))].filter((id) => willRun.has(id));
      if (decision.action !== 'run' && upstream.length > 0 && stage.body.frozen !== true) {
        const name = graph!.get(upstream[0]!)!.name;
        decision = { action: 'run', reasons: [`upstream stage ${name} would run`] };
      }
      if (decision.action === 'run') willRun.add(stageId(stage));
      const action =
        decision.action === 'run'
          ? 'would-run'
          : decision.action === 'restore'
            ? 'restored'
            : decision.action === 'frozen'
              ? 'frozen'
              : 'skipped';
      const report = quiet(stage, action, decision.action === 'run' ? decision.reasons : []);
      reports.push(report);
      options.log.stageEnd(report);
      continue;
    }
    if (decision.action === 'skip') {
      const report = quiet(stage, 'skipped', []);
      reports.push(report);
      options.log.stageEnd(report);
      continue;
    }
    if (decision.action === 'restore' || decision.action === 'frozen') {
      const paths = decision.action === 'restore' ? decision.outs : decision.restore;
      for (const path of paths) {
        const out = locked?.outs?.find((o) => o.path === path);
        if (out?.md5)
          await options.store.checkout(path, {
            md5: out.md5,
            size: out.size ?? 0,
            nfiles: out.nfiles,
          });
      }
      const report = quiet(
        stage,
        decision.action === 'restore' ? 'restored' : 'frozen',
        paths.map((p) => `checked out ${p} from the cache`),
      );
      reports.push(report);
      options.log.stageEnd(report);
      continue;
    }
    const missing = stage.deps
      .filter((d) => observed.deps.get(d.path) === undefined)
      .map((d) => d.path);
    if (missing.length > 0) {
      const report = quiet(stage, 'blocked', decision.reasons, {
        failure: 'input',
        error: `dependency ${missing.join(', ')} does not exist: fetch it (gitops-ml data pull / checkout) or run the stage that writes it`,
      });
      reports.push(report);
      options.log.stageEnd(report);
      status = 'failed';
      exitCode = 2;
      break;
    }
    if (options.dataChecks && !record(await options.dataChecks.before(stage, pipeline))) break;
    options.log.stageStart(stage.pipeline, stage.name, decision.reasons);
    const outcome = await runStage(stage, pipeline, decision.reasons, options);
    reports.push(outcome.report);
    options.log.stageEnd(outcome.report);
    if (outcome.lock) {
      ran.add(pipeline);
      await options.locks.update(stage.source.file, stage.name, outcome.lock);
      if (options.dataChecks && !record(await options.dataChecks.after(stage, pipeline))) break;
      continue;
    }
    status = outcome.report.action === 'interrupted' ? 'interrupted' : 'failed';
    exitCode = exitCodeFor[outcome.report.failure ?? 'command'];
    break;
  }
  // Datasets of pipelines that ran, which no running stage read or wrote: checked last, so the
  // run's results cover every suite. A fully cached run checks nothing and never loads DuckDB.
  if (options.dataChecks && status === 'succeeded' && ran.size > 0)
    record(await options.dataChecks.rest([...ran]));
  return { status, exitCode, stages: reports };
}
