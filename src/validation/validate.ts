// Validate a dataset against its suite: open the data, compile the suite, run the main pass (every
// aggregate check and the current side of drift in one scan), then the few queries that cannot
// share it. The public entry points for the CLI, the runner and the PR report.

import { isGitopsMlError } from '../errors.ts';
import type { ResolvedPipeline } from '../spec/expand.ts';
import type { Pipeline } from '../spec/schema/pipeline.ts';
import type { Dataset, ValidationSuite } from '../spec/schema/validation.ts';
import { planColumn } from './column-checks.ts';
import { toNumber, type Column } from './columns.ts';
import {
  namesIn,
  planDatasetCheck,
  simplePredicate,
  type DatasetContext,
  type OtherDataset,
} from './dataset-checks.ts';
import { planCurrent } from './drift/compare.ts';
import { summarizeReference, type ReferenceSummary } from './drift/reference.ts';
import { isEngineError, shortEngineMessage, type Engine, type Row } from './engine.ts';
import type { Producer } from './missing-data.ts';
import {
  AggregateList,
  errorResult,
  toResult,
  type CheckSpec,
  type Outcome,
  type PlannedCheck,
} from './plan.ts';
import { csvRejects, jsonRejects, type ParseReport } from './rejects.ts';
import type {
  CheckResult,
  CheckStatus,
  CsvDialect,
  DatasetResult,
  DatasetStatus,
  DriftSummary,
  ValidationReport,
} from './results.ts';
import { DataUnavailableError, openSource, type Source } from './source.ts';
import { ident, relativize, str } from './sql.ts';
import { driftCheck } from './drift/result.ts';

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
  /** The DVC cache directory, for "pull or checkout" hints (default .dvc/cache). */
  cacheDir?: string;
  /** CSV dialects from earlier results, by dataset name: used instead of sniffing again. */
  dialects?: Readonly<Record<string, CsvDialect>>;
}

function datasetSpec(target: PipelineTarget, name: string): Dataset {
  const dataset = target.spec.datasets?.[name];
  if (!dataset) throw new Error(`dataset "${name}" is not defined in pipeline ${target.name}`);
  return dataset;
}

/** A dialect from earlier results, as the spec would pin it. */
function pinnedFrom(dialect: CsvDialect): NonNullable<Dataset['csv']> {
  return {
    delimiter: dialect.delimiter,
    quote: dialect.quote,
    escape: dialect.escape,
    header: dialect.header,
    skip: dialect.skip,
    comment: dialect.comment,
    encoding: dialect.encoding,
    columns: Object.fromEntries(dialect.columns.map((c) => [c.name, c.type])),
    ...(dialect.dateFormat !== undefined && { dateFormat: dialect.dateFormat }),
    ...(dialect.timestampFormat !== undefined && { timestampFormat: dialect.timestampFormat }),
  };
}

async function open(
  options: ValidateOptions,
  target: PipelineTarget,
  name: string,
  textColumns: string[] = [],
): Promise<Source> {
  const dataset = datasetSpec(target, name);
  const earlier = options.dialects?.[name];
  const csv =
    dataset.csv?.columns === undefined && earlier
      ? { ...pinnedFrom(earlier), ...dataset.csv }
      : dataset.csv;
  return openSource(
    options.engine,
    options.root,
    { path: dataset.path, format: dataset.format, csv, textColumns },
    { cacheDir: options.cacheDir, producers: target.producers },
  );
}

function statusOf(checks: readonly CheckResult[], failed: boolean): DatasetStatus {
  if (failed || checks.some((c) => c.status === 'error')) return 'error';
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  return checks.some((c) => c.status === 'warn') ? 'warn' : 'pass';
}

function countStatuses(checks: readonly CheckResult[]): Record<CheckStatus, number> {
  const counts: Record<CheckStatus, number> = { pass: 0, fail: 0, warn: 0, error: 0 };
  for (const c of checks) counts[c.status]++;
  return counts;
}

function unavailable(error: unknown): DatasetResult['error'] {
  if (error instanceof DataUnavailableError)
    return { kind: error.reason, message: error.message, ...(error.hint && { hint: error.hint }) };
  if (isGitopsMlError(error))
    return {
      kind: error.exitCode === 2 ? 'suite' : 'engine',
      message: error.message,
      ...(error.hint && { hint: error.hint }),
    };
  return undefined;
}

/** Patterns DuckDB's regex engine (RE2) rejects, checked without touching the data. */
async function invalidPatterns(
  engine: Engine,
  suite: ValidationSuite,
): Promise<Map<string, string>> {
  const patterns = [
    ...new Set(Object.values(suite.columns ?? {}).flatMap((c) => (c.regex ? [c.regex] : []))),
  ];
  const bad = new Map<string, string>();
  if (patterns.length === 0) return bad;
  const probe = (list: string[]) =>
    `SELECT ${list.map((p) => `regexp_matches('', ${str(p)})`).join(', ')}`;
  try {
    await engine.all(probe(patterns));
  } catch {
    for (const p of patterns) {
      try {
        await engine.all(probe([p]));
      } catch (error) {
        bad.set(p, shortEngineMessage((error as Error).message));
      }
    }
  }
  return bad;
}

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
  for (const p of planned) checks.push(await finish(engine, p, row, rows));
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

/** Paths in SQL and messages relative to the repository, as users run them. */
function relativeResult(root: string, r: DatasetResult): DatasetResult {
  const rel = (text: string) => relativize(root, text);
  return {
    ...r,
    checks: r.checks.map((c) => ({
      ...c,
      message: rel(c.message),
      ...(c.failingRowsSql !== undefined && { failingRowsSql: rel(c.failingRowsSql) }),
    })),
    ...(r.source && { source: { ...r.source, relation: rel(r.source.relation) } }),
    ...(r.error && { error: { ...r.error, message: rel(r.error.message) } }),
  };
}

/** Predicates of simple custom checks that bind against the data (they join the main pass). */
async function fusablePredicates(
  engine: Engine,
  suite: ValidationSuite,
  source: Source,
): Promise<Set<string>> {
  const fusable = new Set<string>();
  for (const check of suite.checks ?? []) {
    if (check.sql === undefined) continue;
    const predicate = simplePredicate(typeof check.sql === 'string' ? check.sql : check.sql.query);
    if (predicate === undefined) continue;
    try {
      await engine.checkSelect(
        `SELECT count(*) FILTER (WHERE (${predicate})) FROM ${source.relation} AS data`,
      );
      fusable.add(predicate);
    } catch (error) {
      if (!isEngineError(error)) throw error;
    }
  }
  return fusable;
}

/** The columns of the first uniqueness check whose columns all exist. */
function uniqueKey(suite: ValidationSuite, columns: readonly Column[]): Column[] | undefined {
  const keys: string[][] = [
    ...Object.entries(suite.columns ?? {})
      .filter(([, c]) => c.unique === true)
      .map(([name]) => [name]),
    ...(suite.checks ?? []).flatMap((c) => {
      const u = c.unique;
      if (u === undefined) return [];
      const names = typeof u === 'object' && !Array.isArray(u) ? u.columns : u;
      return [typeof names === 'string' ? [names] : [...names]];
    }),
  ];
  for (const key of keys) {
    const found = key.map((k) => columns.find((c) => c.name === k));
    if (found.every((c) => c !== undefined)) return found as Column[];
  }
  return undefined;
}

async function openOthers(
  options: ValidateOptions,
  target: PipelineTarget,
  suite: ValidationSuite,
): Promise<Map<string, OtherDataset | { unavailable: string }>> {
  const wanted = new Set<string>();
  const all = Object.keys(target.spec.datasets ?? {});
  for (const check of suite.checks ?? []) {
    if (check.references) wanted.add(check.references.dataset);
    if (check.sql !== undefined)
      for (const n of namesIn(typeof check.sql === 'string' ? check.sql : check.sql.query, all))
        wanted.add(n);
  }
  const others = new Map<string, OtherDataset | { unavailable: string }>();
  for (const name of wanted) {
    if (!target.spec.datasets?.[name]) continue;
    try {
      const s = await open(options, target, name);
      others.set(name, { relation: s.relation, columns: s.columns });
    } catch (error) {
      const why = unavailable(error);
      if (!why) throw error;
      others.set(name, { unavailable: `${why.message}${why.hint ? ` (${why.hint})` : ''}` });
    }
  }
  return others;
}

async function openReference(
  options: ValidateOptions,
  target: PipelineTarget,
  suite: ValidationSuite,
  current: Source,
): Promise<ReferenceSummary> {
  const drift = suite.drift!;
  // A reference that is one of the pipeline's datasets is read with that dataset's settings.
  const named = Object.entries(target.spec.datasets ?? {}).find(
    ([, d]) => d.path === drift.reference,
  );
  const source = named
    ? await open(options, target, named[0])
    : await openSource(
        options.engine,
        options.root,
        { path: drift.reference },
        { cacheDir: options.cacheDir, producers: target.producers },
      );
  return summarizeReference(
    options.engine,
    drift.reference,
    source.relation,
    drift,
    current.columns,
    source.columns,
  );
}

async function parseReport(
  engine: Engine,
  root: string,
  source: Source,
): Promise<ParseReport | undefined> {
  if (source.format === 'csv') return csvRejects(engine, root, source);
  if (source.format === 'json' || source.format === 'jsonl') return jsonRejects(root, source);
  return undefined;
}

function parseCheck(
  suite: ValidationSuite,
  index: number,
  severity: CheckSpec['severity'],
  report: ParseReport,
  rows: number,
): CheckResult {
  const spec: CheckSpec = {
    id: 'parse',
    check: 'parse',
    severity,
    specPath: ['validation', index, 'dataset'],
    expected: 'every row parses',
  };
  const total = rows + report.rejected;
  const first = report.first[0];
  return toResult(spec, {
    ok: report.rejected === 0,
    observed: report.byError,
    elementCount: total,
    unexpectedCount: report.rejected,
    sample: report.first.map((r) => ({ ...r })),
    message:
      report.rejected === 0
        ? `all ${rows} rows of ${suite.dataset} parse`
        : `${report.rejected} of ${total} rows could not be parsed and were skipped (${Object.entries(
            report.byError,
          )
            .map(([k, v]) => `${k} ${v}`)
            .join(
              ', ',
            )})${first ? `; first at ${first.file}:${first.line}: ${first.message}` : ''}`,
  });
}

/** Evaluate a planned check, running its query or follow-up when it has one. */
async function finish(
  engine: Engine,
  planned: PlannedCheck,
  row: Row,
  rows: number,
): Promise<CheckResult> {
  if (planned.type === 'done') return planned.result;
  const { spec } = planned;
  try {
    let outcome: Outcome;
    if (planned.type === 'aggregate') {
      const first = planned.evaluate(row);
      outcome = 'sql' in first ? first.evaluate(await engine.all(first.sql)) : first;
    } else {
      if (spec.check === 'sql') await engine.checkSelect(spec.failingRowsSql!);
      outcome = planned.query.evaluate(await engine.all(planned.query.sql));
      if (spec.check === 'sql') outcome = { ...outcome, elementCount: rows };
    }
    return toResult(spec, outcome);
  } catch (error) {
    if (
      isEngineError(error) &&
      (error.kind === 'sql' || planned.type === 'query') &&
      error.kind !== 'memory'
    ) {
      return errorResult(spec, shortEngineMessage(error.message));
    }
    throw error;
  }
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
