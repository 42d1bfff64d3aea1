import type { ResolvedPipeline, ResolvedStage } from '../spec/expand.ts';
import type { RunsOn } from '../spec/schema/common.ts';
import type { RepoConfig } from '../spec/schema/repo-config.ts';
import { durationSeconds } from '../units.ts';

export interface Route {
  'runs-on': RunsOn;
  /** The runner class, when the route came from one. */
  runner: string | null;
  gpus: number;
}

const DEFAULT_RUNS_ON = 'ubuntu-latest';

export function gpuCount(stage: ResolvedStage): number {
  const gpu = stage.body.resources?.gpu;
  return gpu === undefined ? 0 : typeof gpu === 'number' ? gpu : gpu.count;
}

/** Where a stage runs: its own runs-on or runner class, then the pipeline's, then the defaults. */
export function stageRoute(
  stage: ResolvedStage,
  pipeline: ResolvedPipeline,
  config: RepoConfig | undefined,
): Route {
  const runners = config?.runners ?? {};
  const viaClass = (name: string | undefined): Route | undefined => {
    const cls = name === undefined ? undefined : runners[name];
    return cls && name !== undefined
      ? { 'runs-on': cls['runs-on'], runner: name, gpus: gpuCount(stage) }
      : undefined;
  };
  const direct = (runsOn: RunsOn | undefined): Route | undefined =>
    runsOn === undefined ? undefined : { 'runs-on': runsOn, runner: null, gpus: gpuCount(stage) };
  const p = pipeline.spec.data;
  return (
    direct(stage.body['runs-on']) ??
    viaClass(stage.body.runner) ??
    direct(p['runs-on']) ??
    viaClass(p.runner) ??
    direct(config?.defaults?.['runs-on']) ??
    viaClass(config?.defaults?.runner) ?? {
      'runs-on': DEFAULT_RUNS_ON,
      runner: null,
      gpus: gpuCount(stage),
    }
  );
}

/**
 * A pipeline runs as one job, on the runner its most demanding stage needs (most GPUs; the first
 * such stage wins a tie).
 */
export function pipelineRoute(pipeline: ResolvedPipeline, config: RepoConfig | undefined): Route {
  let best: Route | undefined;
  for (const stage of pipeline.stages) {
    const r = stageRoute(stage, pipeline, config);
    if (!best || r.gpus > best.gpus) best = r;
  }
  return best ?? stageRoute({ body: {} } as ResolvedStage, pipeline, config);
}

/** Job timeout in minutes: the stages' timeouts added up (360, GitHub's default, when none). */
export function jobTimeoutMinutes(
  pipeline: ResolvedPipeline,
  config: RepoConfig | undefined,
): number {
  const fallback =
    config?.defaults?.timeout === undefined ? undefined : durationSeconds(config.defaults.timeout);
  let total = 0;
  let any = false;
  for (const stage of pipeline.stages) {
    const t =
      stage.body.resources?.timeout === undefined
        ? fallback
        : durationSeconds(stage.body.resources.timeout);
    if (t !== undefined) {
      total += t;
      any = true;
    }
  }
  // Self-hosted jobs may run five days at most.
  return any ? Math.min(7200, Math.max(1, Math.ceil(total / 60) + 10)) : 360;
}

export interface MatrixEntry extends Route {
  pipeline: string;
  'timeout-minutes': number;
}

/** GitHub allows 256 jobs per matrix: larger plans come as several matrices. */
export const MATRIX_LIMIT = 256;

export function matrices(
  entries: readonly MatrixEntry[],
  limit = MATRIX_LIMIT,
): { include: MatrixEntry[] }[] {
  const out: { include: MatrixEntry[] }[] = [];
  for (let i = 0; i < entries.length; i += limit)
    out.push({ include: entries.slice(i, i + limit) });
  return out;
}
