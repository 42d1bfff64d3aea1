import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../errors.ts';
import { flatten } from '../../metrics/diff.ts';
import { isNumeric, isRecord, toNumber } from '../../metrics/pyvalue.ts';
import { readValues } from '../../metrics/read.ts';
import type { ResolvedPipeline } from '../../spec/expand.ts';
import { normalizePath } from '../../spec/path-index.ts';
import type { SpecFile } from '../../spec/repo.ts';
import type { Goal } from '../../spec/schema/common.ts';
import type { Model } from '../../spec/schema/model.ts';

/** What a sweep ranks its trials by. */
export interface Objective {
  metric: string;
  goal: Goal;
  /** Metrics files to read it from, in order: the model's `metrics.file`, else the pipeline's. */
  files: string[];
}

/**
 * The sweep's `metric` and `goal`, defaulting to the primary metric (and its goal) of the model
 * the pipeline trains; a metric the model tracks takes the goal it tracks it with.
 */
export function sweepObjective(
  pipeline: ResolvedPipeline,
  models: readonly SpecFile<Model>[],
): Objective {
  const sweep = pipeline.spec.data.sweep;
  const model = models.find((m) => m.data.pipeline === pipeline.name)?.data;
  const metric = sweep?.metric ?? model?.metrics.primary;
  const goal =
    sweep?.goal ??
    (metric === model?.metrics.primary
      ? model?.metrics.goal
      : metric === undefined
        ? undefined
        : model?.metrics.tracked?.[metric]);
  if (metric === undefined || goal === undefined) {
    throw new InputError(
      `the sweep of pipeline "${pipeline.name}" has no ${metric === undefined ? 'metric' : 'goal'} to rank trials by`,
      {
        hint: `set sweep.metric and sweep.goal in ${pipeline.spec.source.file}, or add a model whose pipeline is "${pipeline.name}"`,
      },
    );
  }
  const outputs = pipeline.stages.flatMap((s) =>
    s.outs.filter((o) => o.kind === 'metric').map((o) => o.path),
  );
  const file = model?.metrics.file;
  return { metric, goal, files: file === undefined ? outputs : [normalizePath(file)] };
}

/** The objective's value in the workspace, or why there is none. */
export async function measure(
  root: string,
  objective: Objective,
): Promise<{ ok: true; value: number; file: string } | { ok: false; error: string }> {
  for (const file of objective.files) {
    const text = await readFile(join(root, file), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const read = readValues(file, text);
    if (!read.ok) return { ok: false, error: read.error };
    const value = isRecord(read.value) ? flatten(read.value)[objective.metric] : undefined;
    if (value === undefined) continue;
    if (!isNumeric(value))
      return { ok: false, error: `${file}: "${objective.metric}" is not a number` };
    return { ok: true, value: toNumber(value), file };
  }
  return {
    ok: false,
    error: `no metrics file (${objective.files.join(', ') || 'none declared'}) holds "${objective.metric}"`,
  };
}
