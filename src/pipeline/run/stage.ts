import { join } from 'node:path';
import type { ResolvedPipeline, ResolvedStage } from '../../spec/expand.ts';
import type { RepoConfig } from '../../spec/schema/repo-config.ts';
import { durationSeconds } from '../../units.ts';
import { costOf } from '../cost.ts';
import { maskSecrets, stageEnvironment } from '../env.ts';
import { runCommand, type CommandResult } from '../exec.ts';
import { startSampler } from '../gpu/sampler.ts';
import type { GpuUsage } from '../gpu/stats.ts';
import { stageRoute } from '../routing.ts';
import { lockedCmd, type LockedPath, type LockedStage } from '../status.ts';
import { OutputBackup } from './backup.ts';
import { acquireGpus, type GpuContext } from './gpus.ts';
import { readParam, type ParamsFiles } from './observe.ts';
import type { RunLog, StageReport } from './report.ts';
import type { ArtifactStore, PathHash } from './store.ts';

export interface StageContext {
  root: string;
  config: RepoConfig | undefined;
  store: ArtifactStore;
  gpu: GpuContext;
  parentEnv: Readonly<Record<string, string | undefined>>;
  params: ParamsFiles;
  signal: AbortSignal;
  log: RunLog;
  samplerIntervalMs: number;
  /** nvidia-smi for the sampler (a test stand-in elsewhere). */
  smiProgram?: string | undefined;
  smiEnv?: NodeJS.ProcessEnv | undefined;
  /** A runner class this machine belongs to, overriding the stage's (GITOPS_ML_RUNNER_CLASS). */
  runnerClass?: string | undefined;
}

export interface StageOutcome {
  report: StageReport;
  /** The new lock entry, when the stage succeeded. */
  lock?: LockedStage;
}

const INFRA_SIGNALS = new Set(['SIGKILL', 'SIGBUS']);

/** A failure the code did not cause: killed by the system (out of memory), or no shell to run in. */
function infrastructureFailure(r: CommandResult): boolean {
  return (
    !r.timedOut &&
    !r.interrupted &&
    ((r.code === null && r.signal !== null && INFRA_SIGNALS.has(r.signal)) ||
      (r.code === 127 && r.tail.some((l) => l.includes('spawn'))))
  );
}

function retryPolicy(stage: ResolvedStage): { count: number; backoffMs: number; factor: number } {
  const r = stage.body.retries;
  if (r === undefined) return { count: 0, backoffMs: 0, factor: 2 };
  if (typeof r === 'number') return { count: r, backoffMs: 30_000, factor: 2 };
  return {
    count: r.count,
    backoffMs: durationSeconds(r.backoff ?? 30) * 1000,
    factor: r.factor ?? 2,
  };
}

function lockPath(path: string, h: PathHash): LockedPath & { isexec?: boolean } {
  const entry: LockedPath & { isexec?: boolean } = { path, hash: 'md5', md5: h.md5, size: h.size };
  if (h.nfiles !== undefined) entry.nfiles = h.nfiles;
  if (h.isExec === true) entry.isexec = true;
  return entry;
}

const byPath = (a: { path: string }, b: { path: string }) =>
  a.path < b.path ? -1 : a.path > b.path ? 1 : 0;

/**
 * Run one stage: claim its GPUs, move its previous outputs aside, run its commands with a timeout
 * while sampling the GPUs, then either record the new outputs in the cache and return the new lock
 * entry, or put the previous outputs back untouched.
 */
export async function runStage(
  stage: ResolvedStage,
  pipeline: ResolvedPipeline,
  reasons: string[],
  ctx: StageContext,
): Promise<StageOutcome> {
  const route = stageRoute(stage, pipeline, ctx.config);
  const runnerName = ctx.runnerClass ?? route.runner;
  const runnerClass = runnerName === null ? undefined : ctx.config?.runners?.[runnerName];
  const currency = ctx.config?.currency ?? 'USD';
  const base = { pipeline: stage.pipeline, stage: stage.name, reasons, runner: runnerName };
  const empty = {
    gpus: [],
    usage: [] as GpuUsage[],
    cost: costOf({ seconds: 0, gpus: 0, energyWh: null }, runnerClass, currency),
  };

  const environment = stageEnvironment(ctx.parentEnv, stage.body, {
    GITOPS_ML_PIPELINE: stage.pipeline,
    GITOPS_ML_STAGE: stage.name,
  });
  if (environment.missingSecrets.length > 0) {
    return {
      report: {
        ...base,
        ...empty,
        action: 'blocked',
        seconds: 0,
        attempts: 0,
        failure: 'input',
        error: `secret ${environment.missingSecrets.join(', ')} is not set in the runner's environment`,
      },
    };
  }
  const policy = retryPolicy(stage);
  const timeout = stage.body.resources?.timeout ?? ctx.config?.defaults?.timeout;
  let attempt = 0;
  let backoff = policy.backoffMs;
  for (;;) {
    attempt++;
    const gpus = await acquireGpus(stage, ctx.gpu, ctx.signal);
    if (!gpus.ok) {
      return {
        report: {
          ...base,
          ...empty,
          action: 'failed',
          seconds: 0,
          attempts: attempt,
          failure: 'infrastructure',
          error: gpus.reason,
        },
      };
    }
    const backup = await OutputBackup.stash(
      ctx.root,
      `${stage.pipeline}:${stage.name}`,
      stage.outs,
    );
    const sampler = startSampler({
      uuids: [...new Set(gpus.devices.map((d) => d.parent))],
      intervalMs: ctx.samplerIntervalMs,
      program: ctx.smiProgram,
      env: ctx.smiEnv,
    });
    const started = Date.now();
    let result: CommandResult | undefined;
    try {
      for (const command of stage.cmd) {
        const spent = (Date.now() - started) / 1000;
        result = await runCommand({
          command,
          cwd: join(ctx.root, stage.wdir),
          env: { ...environment.env, ...gpus.env },
          timeoutSeconds:
            timeout === undefined ? undefined : Math.max(0.001, durationSeconds(timeout) - spent),
          signal: ctx.signal,
          onOutput: (chunk) => ctx.log.output(maskSecrets(chunk, environment.secretValues)),
        });
        if (result.code !== 0) break;
      }
    } finally {
      gpus.release();
    }
    const usage = await sampler.stop();
    const seconds = (Date.now() - started) / 1000;
    const energyWh = usage.length ? usage.reduce((s, u) => s + u.energyWh, 0) : null;
    const cost = costOf({ seconds, gpus: gpus.devices.length, energyWh }, runnerClass, currency);
    const gpuList = gpus.devices.map((d) => ({ uuid: d.uuid, name: d.name }));
    const report = {
      ...base,
      seconds,
      gpus: gpuList,
      ...(gpus.driver !== null && { nvidiaDriver: gpus.driver }),
      usage,
      cost,
      attempts: attempt,
      exitCode: result?.code ?? null,
    };
    const r = result!;
    if (r.code !== 0) {
      await backup.restore();
      if (infrastructureFailure(r) && attempt <= policy.count && !ctx.signal.aborted) {
        ctx.log.note(
          `stage ${stage.name} was killed by ${r.signal ?? 'the system'} (not by its own code); retrying in ${Math.round(backoff / 1000)}s (${attempt}/${policy.count})`,
        );
        await new Promise((res) => setTimeout(res, backoff));
        backoff *= policy.factor;
        continue;
      }
      const error = r.interrupted
        ? 'interrupted; its previous outputs were put back'
        : r.timedOut
          ? `timed out after ${String(timeout)}; the process tree was killed`
          : r.code === null
            ? `killed by ${r.signal ?? 'a signal'}`
            : `exited with code ${r.code}`;
      const failure = r.interrupted
        ? 'interrupted'
        : infrastructureFailure(r)
          ? 'infrastructure'
          : 'command';
      return {
        report: {
          ...report,
          action: r.interrupted ? 'interrupted' : 'failed',
          failure,
          tail: r.tail.map((l) => maskSecrets(l, environment.secretValues)),
          error,
        },
      };
    }
    // Existence only: the outputs are hashed once, below (just written, each hash reads them).
    const missing = stage.outs.filter((o) => !ctx.store.exists(o.path)).map((o) => o.path);
    if (missing.length > 0) {
      await backup.restore();
      return {
        report: {
          ...report,
          action: 'failed',
          failure: 'command',
          tail: r.tail,
          error: `finished but did not write ${missing.join(', ')}`,
        },
      };
    }
    // Order matters for crash safety: drop the old outputs before recording the new ones, so a
    // crash in between leaves new outputs and an old lock (the stage runs again), never old
    // outputs recorded as new.
    await backup.discard();
    const deps: LockedPath[] = [];
    for (const dep of stage.deps) {
      const h = await ctx.store.hash(dep.path);
      if (h) deps.push(lockPath(dep.path, h));
    }
    const outs: LockedPath[] = [];
    for (const out of stage.outs)
      outs.push(
        lockPath(
          out.path,
          out.cache ? await ctx.store.save(out.path) : (await ctx.store.hash(out.path))!,
        ),
      );
    const params: Record<string, Record<string, unknown>> = {};
    for (const ref of stage.params)
      (params[ref.file] ??= {})[ref.key] = readParam(ctx.params, ref.file, ref.key);
    const lock: LockedStage = {
      cmd: lockedCmd(stage),
      deps: deps.sort(byPath),
      params,
      outs: outs.sort(byPath),
    };
    return { report: { ...report, action: 'ran' }, lock };
  }
}
