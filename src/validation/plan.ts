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
 * Collects the select list of the main pass. Identical expressions share one alias, so two checks
 * that need `count("x")` cost one aggregate.
 */
export class AggregateList {
  readonly #byExpression = new Map<string, string>();

  add(expression: string): string {
    const known = this.#byExpression.get(expression);
    if (known !== undefined) return known;
    const alias = `a${this.#byExpression.size}`;
    this.#byExpression.set(expression, alias);
    return alias;
  }

  get size(): number {
    return this.#byExpression.size;
  }

  /** `SELECT count(*) AS n, <aggregates> FROM <relation>`. */
  select(relation: string): string {
    const items = ['count(*) AS n'];
    for (const [expression, alias] of this.#byExpression) items.push(`${expression} AS ${alias}`);
    return `SELECT ${items.join(',\n  ')}\nFROM ${relation}`;
  }
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
