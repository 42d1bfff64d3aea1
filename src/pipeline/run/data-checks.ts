// Data validation inside a run: each suite is checked once, as soon as its dataset is there —
// right after the stage that writes it, or before the first stage that reads it — so a bad
// dataset stops the run before an expensive stage consumes it. Suites no running stage touched
// are checked at the end, so the report always has the whole picture when anything ran.

import type { ResolvedPipeline, ResolvedStage } from '../../spec/expand.ts';
import type { Engine } from '../../validation/engine.ts';
import type { DatasetResult, DatasetStatus, ValidationReport } from '../../validation/results.ts';

/** One dataset checked, and how long it took. */
export interface CheckedDataset {
  result: DatasetResult;
  seconds: number;
  /** 0 when it passed (warnings included), else the exit code it calls for. */
  exitCode: 0 | 1 | 2 | 3;
}

/** What a check point did: the datasets it checked (none when all were checked already). */
export type CheckOutcome = CheckedDataset[];

/** The validation step as the runner drives it. */
export interface DataChecks {
  /** Suites of datasets `stage` reads that have not been checked yet in this run. */
  before(stage: ResolvedStage, pipeline: ResolvedPipeline): Promise<CheckOutcome>;
  /** Suites of datasets `stage` has just written. */
  after(stage: ResolvedStage, pipeline: ResolvedPipeline): Promise<CheckOutcome>;
  /** Every suite of these pipelines not checked yet (whose stages were all up to date). */
  rest(pipelines: readonly ResolvedPipeline[]): Promise<CheckOutcome>;
}

export interface DataCheckOptions {
  root: string;
  cacheDir: string;
  /** Opened on the first suite, so a run with nothing to check never loads DuckDB. */
  engine: () => Promise<Engine>;
  /** Told about each dataset as it is checked. */
  onResult?: (result: DatasetResult, pipeline: ResolvedPipeline) => void | Promise<void>;
}

const STATUS_ORDER: readonly DatasetStatus[] = ['error', 'fail', 'warn', 'pass'];

const within = (path: string, dir: string) => path === dir || path.startsWith(dir + '/');

/** Indexes of suites whose dataset lies at, inside or around one of `paths`. */
export function suitesTouching(pipeline: ResolvedPipeline, paths: readonly string[]): number[] {
  const datasets = pipeline.spec.data.datasets ?? {};
  const suites = pipeline.spec.data.validation ?? [];
  const out: number[] = [];
  suites.forEach((suite, index) => {
    const dataset = datasets[suite.dataset];
    if (!dataset) return;
    // A glob is matched by the directory it starts in.
    const path = dataset.path.split(/[*?[{]/, 1)[0]!.replace(/\/+$/, '');
    if (paths.some((p) => within(path, p) || within(p, path))) out.push(index);
  });
  return out;
}

/** Data checks for a run, with every result kept for the run record and the PR report. */
export class RunDataChecks implements DataChecks {
  readonly #options: DataCheckOptions;
  #engine: Promise<Engine> | undefined;
  readonly #done = new Map<string, DatasetResult[]>();
  readonly #checked = new Set<string>();

  constructor(options: DataCheckOptions) {
    this.#options = options;
  }

  before(stage: ResolvedStage, pipeline: ResolvedPipeline): Promise<CheckOutcome> {
    return this.#check(
      pipeline,
      suitesTouching(
        pipeline,
        stage.deps.map((d) => d.path),
      ),
    );
  }

  after(stage: ResolvedStage, pipeline: ResolvedPipeline): Promise<CheckOutcome> {
    return this.#check(
      pipeline,
      suitesTouching(
        pipeline,
        stage.outs.map((o) => o.path),
      ),
    );
  }

  async rest(pipelines: readonly ResolvedPipeline[]): Promise<CheckOutcome> {
    const checked: CheckedDataset[] = [];
    for (const pipeline of pipelines) {
      const all = (pipeline.spec.data.validation ?? []).map((_, i) => i);
      checked.push(...(await this.#check(pipeline, all, { skipMissing: true })));
    }
    return checked;
  }

  /** The results so far, one report per pipeline that had suites checked. */
  reports(): ValidationReport[] {
    const worst = (datasets: readonly DatasetResult[]) =>
      STATUS_ORDER.find((s) => datasets.some((d) => d.status === s)) ?? 'pass';
    return [...this.#done].map(([pipeline, datasets]) => ({
      pipeline,
      status: worst(datasets),
      datasets: [...datasets].sort((a, b) => a.suite - b.suite),
    }));
  }

  async close(): Promise<void> {
    const engine = this.#engine;
    this.#engine = undefined;
    if (engine) (await engine.catch(() => undefined))?.close();
  }

  /** `skipMissing`: a dataset that is not there is left out rather than failing the run. */
  async #check(
    pipeline: ResolvedPipeline,
    suites: readonly number[],
    { skipMissing = false } = {},
  ): Promise<CheckOutcome> {
    const fresh = suites.filter((i) => !this.#checked.has(`${pipeline.name}\0${i}`));
    if (fresh.length === 0) return [];
    this.#engine ??= this.#options.engine();
    const engine = await this.#engine;
    // The engine's code loads with the first suite: a run with nothing to check never pays for it.
    const { exitCodeOf, pipelineTarget, validateSuite } =
      await import('../../validation/validate.ts');
    const target = pipelineTarget(pipeline);
    const checked: CheckedDataset[] = [];
    for (const index of fresh) {
      this.#checked.add(`${pipeline.name}\0${index}`);
      const started = performance.now();
      const result = await validateSuite(
        { engine, root: this.#options.root, cacheDir: this.#options.cacheDir },
        target,
        index,
      );
      if (skipMissing && result.error?.kind === 'missing') continue;
      const kept = this.#done.get(pipeline.name) ?? [];
      kept.push(result);
      this.#done.set(pipeline.name, kept);
      await this.#options.onResult?.(result, pipeline);
      checked.push({
        result,
        seconds: (performance.now() - started) / 1000,
        exitCode: exitCodeOf([result]),
      });
    }
    return checked;
  }
}

/** Why a dataset did not pass, in a sentence. */
export function checkFailure(result: DatasetResult): string {
  if (result.error) return `${result.dataset}: ${result.error.message}`;
  const failed = result.checks.filter((c) => c.status === 'fail' || c.status === 'error');
  return `${result.dataset}: ${failed.length} check${failed.length === 1 ? '' : 's'} failed (${failed
    .slice(0, 3)
    .map((c) => c.id)
    .join(', ')}${failed.length > 3 ? ', …' : ''})`;
}
