// The compiled form of a suite: aggregates for the one pass over the data, a few separate queries
// (references, custom SQL), and how to turn rows back into check results. Pure data and functions.

import type { TypeFamily } from './columns.ts';
import type { JsonValue, Row } from './engine.ts';
import type { CheckKind, CheckResult, Severity } from './results.ts';

/**
 * Failing values still to be read: an aggregate such as `min(x, 20) FILTER (WHERE <failure>)`.
 * The main pass only counts failures; the samples of every failed check are read afterwards in
 * one query, so a clean dataset pays for none of them.
 */
export interface PendingSample {
  expression: string;
  /** How values read back: a column family, or 'other' to keep them as DuckDB gives them. */
  family: TypeFamily;
  /** Append ", e.g. a, b, c" to the message. */
  mention: boolean;
}

/** What a check found, before status and severity are applied. */
export interface Outcome {
  ok: boolean;
  observed: JsonValue;
  message: string;
  elementCount?: number;
  unexpectedCount?: number;
  sample?: JsonValue[];
  pendingSample?: PendingSample;
}

/** A query whose rows decide a check (or finish one the main pass could only bound). */
export interface CheckQuery {
  sql: string;
  evaluate(rows: Row[]): Outcome;
}

/** Everything about a check that does not depend on the data. */
export interface CheckSpec {
  id: string;
  check: CheckKind;
  columns?: string[];
  name?: string;
  severity: Severity;
  specPath: (string | number)[];
  expected: string;
  failingRowsSql?: string;
}

export type PlannedCheck =
  | {
      /** Decided by aggregates of the main pass, possibly with a follow-up query when it fails. */
      type: 'aggregate';
      spec: CheckSpec;
      evaluate(row: Row): Outcome | CheckQuery;
    }
  | { type: 'query'; spec: CheckSpec; query: CheckQuery }
  /** Decided before touching the data: a missing column, a check the suite got wrong. */
  | { type: 'done'; result: CheckResult };

/**
 * An aggregate of one column's values alone: `count(*) FILTER (WHERE <predicate>)` with a predicate
 * that never holds for NULL, or `min`/`max` of an expression that is NULL for NULL. Written with the
 * column's identifier, so that the same text evaluates a row or one of the column's values.
 */
export type ValueAggregate = { column: string } & (
  { count: string } | { min: string } | { max: string }
);

/**
 * Collects the select list of the main pass. Identical expressions share one alias, so two checks
 * that need `count("x")` cost one aggregate. An aggregate of one column's values is computed over
 * the pass's `histogram(<column>)` when it has one (drift, balance): once per distinct value
 * instead of once per row, with the same result.
 */
export class AggregateList {
  readonly #byExpression = new Map<string, { alias: string; of?: ValueAggregate }>();

  add(expression: string, of?: ValueAggregate): string {
    const known = this.#byExpression.get(expression);
    if (known !== undefined) return known.alias;
    const alias = `a${this.#byExpression.size}`;
    this.#byExpression.set(expression, of ? { alias, of } : { alias });
    return alias;
  }

  get size(): number {
    return this.#byExpression.size;
  }

  /** `SELECT count(*) AS n, <aggregates> FROM <relation>`, with a second level when values are counted. */
  select(relation: string): string {
    const counted = new Map<string, string>();
    for (const [expression, { alias }] of this.#byExpression) {
      const column = /^histogram\(("(?:[^"]|"")*")\)$/.exec(expression)?.[1];
      if (column !== undefined) counted.set(column, alias);
    }
    const items = ['count(*) AS n'];
    const overValues: string[] = [];
    for (const [expression, { alias, of }] of this.#byExpression) {
      const histogram = of && counted.get(of.column);
      if (of && histogram)
        overValues.push(`${valueAggregate(of, `totals.${histogram}`)} AS ${alias}`);
      else items.push(`${expression} AS ${alias}`);
    }
    const pass = `SELECT ${items.join(',\n  ')}\nFROM ${relation}`;
    if (overValues.length === 0) return pass;
    return `SELECT *,\n  ${overValues.join(',\n  ')}\nFROM (${pass}) AS totals`;
  }
}

/** A value aggregate over a histogram's entries: each value once, weighted by its count. */
function valueAggregate(of: ValueAggregate, histogram: string): string {
  // A lambda whose parameter is the column's identifier evaluates the row's expression on a value.
  const on = (expression: string, value: string) =>
    `list_transform([${value}], lambda ${of.column}: ${expression})[1]`;
  if ('count' in of) {
    const matching = `list_filter(map_entries(${histogram}), lambda e: ${on(of.count, 'e.key')})`;
    return `CAST(coalesce(list_sum(list_transform(${matching}, lambda e: e.value)), 0) AS BIGINT)`;
  }
  const [fn, expression] = 'min' in of ? ['list_min', of.min] : ['list_max', of.max];
  return `${fn}(list_transform(map_keys(${histogram}), lambda ${of.column}: ${expression}))`;
}

/** The status a finished check gets from its outcome and severity. */
export function toResult(spec: CheckSpec, outcome: Outcome): CheckResult {
  const status = outcome.ok ? 'pass' : spec.severity === 'warn' ? 'warn' : 'fail';
  const result: CheckResult = {
    id: spec.id,
    check: spec.check,
    ...(spec.columns && { columns: spec.columns }),
    ...(spec.name !== undefined && { name: spec.name }),
    severity: spec.severity,
    status,
    observed: outcome.observed,
    expected: spec.expected,
    message: outcome.message,
    specPath: spec.specPath,
  };
  if (outcome.elementCount !== undefined) result.elementCount = outcome.elementCount;
  if (outcome.unexpectedCount !== undefined) {
    result.unexpectedCount = outcome.unexpectedCount;
    const total = outcome.elementCount ?? 0;
    result.unexpectedShare =
      total > 0 ? Number((outcome.unexpectedCount / total).toPrecision(10)) : 0;
  }
  if (outcome.sample && outcome.sample.length > 0) result.sample = outcome.sample.slice(0, 20);
  if (!outcome.ok && spec.failingRowsSql !== undefined) result.failingRowsSql = spec.failingRowsSql;
  return result;
}

/** A check that could not be evaluated because the suite is wrong. */
export function errorResult(spec: CheckSpec, message: string): CheckResult {
  return {
    id: spec.id,
    check: spec.check,
    ...(spec.columns && { columns: spec.columns }),
    ...(spec.name !== undefined && { name: spec.name }),
    severity: spec.severity,
    status: 'error',
    observed: null,
    expected: spec.expected,
    message,
    specPath: spec.specPath,
  };
}

/** Distinct values in first-seen order (samples collected as the n smallest may repeat). */
export function distinctValues(values: readonly JsonValue[]): JsonValue[] {
  const seen = new Set<string>();
  const out: JsonValue[] = [];
  for (const v of values) {
    const key = JSON.stringify(v);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(v);
  }
  return out;
}

export const SAMPLE_SIZE = 20;
