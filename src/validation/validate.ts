// Validate a dataset against its suite: open the data, compile the suite, run the main pass (every
// aggregate check and the current side of drift in one scan), then the few queries that cannot
// share it. The public entry points for the CLI, the runner and the PR report.

import { planColumn } from './column-checks.ts';
import { toNumber } from './columns.ts';
import { planDatasetCheck, type DatasetContext } from './dataset-checks.ts';
import { planCurrent } from './drift/compare.ts';
import type { ReferenceSummary } from './drift/reference.ts';
import { driftCheck } from './drift/result.ts';
import { isEngineError, shortEngineMessage, type Row } from './engine.ts';
import {
  countStatuses,
  finish,
  parseCheck,
  parseReport,
  readSamples,
  relativeResult,
  statusOf,
  type Finished,
} from './finish.ts';
import { AggregateList, errorResult, toResult, type CheckSpec, type PlannedCheck } from './plan.ts';
import type {
  CheckResult,
  DatasetResult,
  DatasetStatus,
  DriftSummary,
  ValidationReport,
} from './results.ts';
import type { Source } from './source.ts';
import { ident } from './sql.ts';
import {
  fusablePredicates,
  invalidPatterns,
  open,
  openOthers,
  openReference,
  uniqueKey,
  unavailable,
} from './suite-inputs.ts';
import type { PipelineTarget, ValidateOptions } from './target.ts';

export { pipelineTarget, type PipelineTarget, type ValidateOptions } from './target.ts';

/** Validate one suite (the `index`-th entry of the pipeline's `validation`). */
export async function validateSuite(
  options: ValidateOptions,
  target: PipelineTarget,
  index: number,
): Promise<DatasetResult> {
  const suite = target.spec.validation![index]!;
  const engine = options.engine;
  const before = engine.statements;
  const result = (checks: CheckResult[], extra: Partial<DatasetResult> = {}): DatasetResult =>
    relativeResult(options.root, {
      pipeline: target.name,
      dataset: suite.dataset,
      suite: index,
      specFile: target.file,
      status: statusOf(checks, extra.error !== undefined),
      checks,
      queries: engine.statements - before,
      counts: countStatuses(checks),
      ...extra,
    });
  const textColumns = Object.entries(suite.columns ?? {})
    .filter(([, c]) => c.type === 'string')
    .map(([n]) => n);
  let source: Source;
  try {
    source = await open(options, target, suite.dataset, textColumns);
  } catch (error) {
    const why = unavailable(error);
    if (!why) throw error;
    return result([], { error: why, status: 'error' });
  }
  const severity = suite.severity ?? 'error';
  const others = await openOthers(options, target, suite);
  let failed: DatasetResult['error'];
  let reference: ReferenceSummary | { error: string; hint?: string } | undefined;
  if (suite.drift) {
    try {
      reference = await openReference(options, target, suite, source);
    } catch (error) {
      const why = unavailable(error);
      if (!why) throw error;
      reference = { error: why.message, ...(why.hint && { hint: why.hint }) };
      failed = why;
    }
  }
  const ctx: DatasetContext = {
    suite: index,
    columns: source.columns,
    relation: source.relation,
    aggregates: new AggregateList(),
    severity,
    now: options.now ?? Date.now(),
    invalidPatterns: await invalidPatterns(engine, suite),
    others,
    uniqueKey: uniqueKey(suite, source.columns),
    fusable: await fusablePredicates(engine, suite, source),
  };
  // Every column is read in the main pass: a value that does not parse is only seen when read.
  for (const c of source.columns) ctx.aggregates.add(`count(${ident(c.name)})`);
  const planned: PlannedCheck[] = [
    ...Object.entries(suite.columns ?? {}).flatMap(([name, spec]) => planColumn(ctx, name, spec)),
    ...(suite.checks ?? []).map((check, j) => planDatasetCheck(ctx, j, check)),
  ];
  const scoreDrift =
    reference && !('error' in reference)
      ? planCurrent(ctx.aggregates, reference, suite.drift?.share)
      : undefined;

  let row: Row;
  try {
    [row = {}] = await engine.all(ctx.aggregates.select(`${source.scan} AS data`));
  } catch (error) {
    if (isEngineError(error) && error.kind !== 'sql') {
      return result([], {
        error: {
          kind: error.kind === 'memory' ? 'engine' : 'unreadable',
          message: `cannot read ${source.path}: ${shortEngineMessage(error.message)}`,
          hint:
            error.kind === 'memory'
              ? 'raise engine.memoryLimit in gitops-ml.yaml, or give DuckDB a tempDirectory with free space to spill to'
              : 'check the file; pin its dialect under `csv:` if it is CSV',
        },
      });
    }
    throw error;
  }
  const rows = toNumber(row.n);
  const checks: CheckResult[] = [];
  const parse = await parseReport(engine, options.root, source);
  if (parse) checks.push(parseCheck(suite, index, severity, parse, rows));
  const finished: Finished[] = [];
  for (const p of planned) finished.push(await finish(engine, p, row, rows));
  await readSamples(engine, `${source.relation} AS data`, finished);
  for (const f of finished) checks.push('outcome' in f ? toResult(f.spec, f.outcome) : f);
  let drift: DriftSummary | undefined;
  if (suite.drift) {
    const spec: CheckSpec = {
      id: 'drift',
      check: 'drift',
      severity: suite.drift.severity ?? severity,
      specPath: ['validation', index, 'drift'],
      expected: `drifted share < ${suite.drift.share ?? 0.5}`,
    };
    if (scoreDrift) {
      drift = scoreDrift(row);
      checks.push(toResult(spec, driftCheck(drift)));
    } else if (reference && 'error' in reference) {
      checks.push(
        errorResult(spec, `${reference.error}${reference.hint ? ` (${reference.hint})` : ''}`),
      );
    }
  }
  return result(checks, {
    source: {
      path: source.path,
      format: source.format,
      files: source.files,
      rows,
      columns: source.columns,
      ...(source.dialect && { dialect: source.dialect, sniffed: source.sniffed ?? false }),
      relation: source.relation,
    },
    ...(drift && { drift }),
    ...(failed && { error: failed }),
  });
}

/** Validate every suite of a pipeline, or those of one dataset. */
export async function validatePipeline(
  options: ValidateOptions,
  target: PipelineTarget,
  dataset?: string,
): Promise<ValidationReport> {
  const datasets: DatasetResult[] = [];
  const suites = target.spec.validation ?? [];
  for (let i = 0; i < suites.length; i++) {
    if (dataset !== undefined && suites[i]!.dataset !== dataset) continue;
    datasets.push(await validateSuite(options, target, i));
  }
  return { pipeline: target.name, status: reportStatus(datasets), datasets };
}

export function reportStatus(datasets: readonly DatasetResult[]): DatasetStatus {
  const order: DatasetStatus[] = ['error', 'fail', 'warn', 'pass'];
  return order.find((s) => datasets.some((d) => d.status === s)) ?? 'pass';
}

/**
 * The exit code for results: 3 when data could not be read or the engine failed, 2 when a suite
 * is wrong (a check could not be evaluated), 1 when a check with severity error failed, else 0.
 */
export function exitCodeOf(datasets: readonly DatasetResult[]): 0 | 1 | 2 | 3 {
  if (datasets.some((d) => d.error && d.error.kind !== 'suite')) return 3;
  if (datasets.some((d) => d.error?.kind === 'suite' || d.checks.some((c) => c.status === 'error')))
    return 2;
  if (datasets.some((d) => d.checks.some((c) => c.status === 'fail'))) return 1;
  return 0;
}
