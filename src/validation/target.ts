// What validation is given: a pipeline (name, spec, file, what its stages produce) and options.

import type { ResolvedPipeline } from '../spec/expand.ts';
import type { Pipeline } from '../spec/schema/pipeline.ts';
import type { Engine } from './engine.ts';
import type { Producer } from './missing-data.ts';
import type { CsvDialect } from './results.ts';

/** A pipeline as validation needs it: its name, spec, file, and what its stages produce. */
export interface PipelineTarget {
  name: string;
  file: string;
  spec: Pipeline;
  producers: Producer[];
}

export function pipelineTarget(resolved: ResolvedPipeline): PipelineTarget {
  return {
    name: resolved.name,
    file: resolved.spec.source.file,
    spec: resolved.spec.data,
    producers: resolved.stages.flatMap((s) =>
      s.outs.map((o) => ({ pipeline: resolved.name, stage: s.name, out: o.path })),
    ),
  };
}

export interface ValidateOptions {
  engine: Engine;
  /** Repository root: dataset paths are relative to it. */
  root: string;
  /** Freshness is measured against this instant (ms since the epoch; default now). */
  now?: number;
  /** The DVC cache directory (absolute, or relative to root), for "pull or checkout" hints (default .dvc/cache). */
  cacheDir?: string;
  /** CSV dialects from earlier results, by dataset name: used instead of sniffing again. */
  dialects?: Readonly<Record<string, CsvDialect>>;
}
