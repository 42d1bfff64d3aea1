import { formatLocation } from '../../diagnostic.ts';
import { UsageError } from '../../errors.ts';
import { resolvePipeline, type ResolvedPipeline, type ResolvedStage } from '../../spec/expand.ts';
import { Findings } from '../../spec/findings.ts';
import type { LoadedRepo } from '../../spec/repo.ts';
import type { Sweep } from '../../spec/schema/pipeline.ts';
import { parseYaml } from '../../spec/yaml-source.ts';
import { StageGraph, selectStages, type Selection } from '../graph.ts';
import { trialName, trialsOf, type Assignment } from '../sweep.ts';
import { setParams } from './params-override.ts';
import { sweepObjective, type Objective } from './sweep-objective.ts';

export interface PlannedTrial {
  /** 0-based position in the sweep. */
  index: number;
  /** `trial-01`: names its run record. */
  id: string;
  params: Assignment;
}

export interface SweepPlan {
  pipeline: ResolvedPipeline;
  sweep: Sweep;
  objective: Objective;
  /** The file the swept keys live in: the pipeline's `params` file, else the repository's. */
  paramsFile: string;
  selection: Selection;
  trials: PlannedTrial[];
}

/**
 * What `run <pipeline> --sweep` will do: its trials, the file their values go to, and the metric
 * that ranks them. The metrics file must be written by a stage the run covers, or every trial
 * would be ranked by the same stale file.
 */
export function planSweep(
  repo: LoadedRepo,
  pipelines: readonly ResolvedPipeline[],
  selection: Selection,
): SweepPlan {
  const [name, ...more] = selection.pipelines;
  if (name === undefined || more.length > 0) {
    throw new UsageError('--sweep runs the sweep of one pipeline', {
      hint: 'name it: gitops-ml run <pipeline> --sweep',
    });
  }
  const stages = selectStages(new StageGraph(pipelines), pipelines, selection);
  const pipeline = pipelines.find((p) => p.name === name)!;
  const sweep = pipeline.spec.data.sweep;
  if (!sweep) {
    throw new UsageError(`pipeline "${name}" has no sweep`, {
      hint: `add a "sweep:" section to ${pipeline.spec.source.file} (method, params)`,
    });
  }
  const objective = sweepObjective(pipeline, repo.models);
  const written = new Set(stages.flatMap((s) => s.outs.map((o) => o.path)));
  if (!objective.files.some((f) => written.has(f))) {
    throw new UsageError(
      `the stages this run covers do not write ${objective.files.join(' or ') || 'a metrics file'}, which ranks the trials by "${objective.metric}"`,
      { hint: 'run the whole pipeline, or the stage that writes the metrics' },
    );
  }
  const assignments = trialsOf(sweep);
  return {
    pipeline,
    sweep,
    objective,
    paramsFile: pipeline.paramsFile,
    selection,
    trials: assignments.map((params, index) => ({
      index,
      id: trialName(index, assignments.length),
      params,
    })),
  };
}

export type TrialStages =
  | { ok: true; text: string; stages: ResolvedStage[]; pipelines: Map<string, ResolvedPipeline> }
  | { ok: false; text: string; error: string };

/**
 * A trial's params file text and its stages, resolved again with its values (`${train.lr}` in a
 * command takes the trial's value), exactly as a run would resolve them after the file changed.
 */
export function trialStages(
  repo: LoadedRepo,
  plan: SweepPlan,
  original: string,
  trial: PlannedTrial,
): TrialStages {
  const text = setParams(original, trial.params);
  const parsed = parseYaml(plan.paramsFile, text);
  const params = new Map(repo.params);
  params.set(plan.paramsFile, {
    source: parsed.source,
    data: parsed.source.value ?? {},
    name: plan.paramsFile,
  });
  const findings = new Findings();
  const resolved = repo.pipelines.map((spec) =>
    resolvePipeline(spec, { ...repo, params }, findings),
  );
  const errors = [...parsed.diagnostics, ...findings.list].filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    return {
      ok: false,
      text,
      error: errors.map((d) => `${formatLocation(d)}: ${d.message}`).join('; '),
    };
  }
  return {
    ok: true,
    text,
    stages: selectStages(new StageGraph(resolved), resolved, plan.selection),
    pipelines: new Map(resolved.map((p) => [p.name, p])),
  };
}
