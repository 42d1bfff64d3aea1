// Everything a suite needs before its scan: the dataset opened (with pinned CSV dialects), the
// other datasets it refers to, the drift reference, and the parts of the suite DuckDB must accept
// before they can join the main pass (patterns, simple custom queries).

import { isGitopsMlError } from '../errors.ts';
import type { Dataset, ValidationSuite } from '../spec/schema/validation.ts';
import type { Column } from './columns.ts';
import type { OtherDataset } from './dataset-checks.ts';
import { namesIn, simplePredicate } from './sql-checks.ts';
import { summarizeReference, type ReferenceSummary } from './drift/reference.ts';
import { isEngineError, shortEngineMessage, type Engine } from './engine.ts';
import type { CsvDialect, DatasetResult } from './results.ts';
import { DataUnavailableError, openSource, type Source } from './source.ts';
import { str } from './sql.ts';
import type { PipelineTarget, ValidateOptions } from './target.ts';

export function datasetSpec(target: PipelineTarget, name: string): Dataset {
  const dataset = target.spec.datasets?.[name];
  if (!dataset) throw new Error(`dataset "${name}" is not defined in pipeline ${target.name}`);
  return dataset;
}

/** A dialect from earlier results, as the spec would pin it. */
export function pinnedFrom(dialect: CsvDialect): NonNullable<Dataset['csv']> {
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

export async function open(
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

export function unavailable(error: unknown): DatasetResult['error'] {
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
export async function invalidPatterns(
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

/** Predicates of simple custom checks that bind against the data (they join the main pass). */
export async function fusablePredicates(
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
export function uniqueKey(
  suite: ValidationSuite,
  columns: readonly Column[],
): Column[] | undefined {
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
    const found = key.flatMap((k) => columns.filter((c) => c.name === k).slice(0, 1));
    if (found.length === key.length) return found;
  }
  return undefined;
}

export async function openOthers(
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

export async function openReference(
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
