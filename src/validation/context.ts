// What every check compiler needs: the data's columns and relation, the shared aggregate list,
// severities and positions in the spec.

import { didYouMean } from '../spec/suggest.ts';
import type { Column } from './columns.ts';
import {
  SAMPLE_SIZE,
  toResult,
  type AggregateList,
  type CheckSpec,
  type PlannedCheck,
} from './plan.ts';
import type { Severity } from './results.ts';
import { ident } from './sql.ts';

export interface CompileContext {
  /** Index of the suite in the pipeline's `validation` list. */
  suite: number;
  columns: readonly Column[];
  /** The relation printed in failing-rows SQL (skips rows that do not parse). */
  relation: string;
  aggregates: AggregateList;
  severity: Severity;
  /** Freshness is measured against this instant (ms since the epoch). */
  now: number;
  /** Patterns DuckDB's RE2 rejected, with its message (checked before the scan). */
  invalidPatterns: ReadonlyMap<string, string>;
}

export function findColumn(ctx: CompileContext, name: string): Column | undefined {
  return ctx.columns.find((c) => c.name === name);
}

/** A failed `exists` check: the suite names a column the data does not have. */
export function missingColumns(
  ctx: CompileContext,
  spec: CheckSpec,
  names: readonly string[],
): PlannedCheck {
  const have = ctx.columns.map((c) => c.name);
  const what = names.map((n) => `"${n}"${didYouMean(n, have)}`).join(', ');
  return {
    type: 'done',
    result: toResult(
      {
        ...spec,
        check: 'exists',
        expected: `column${names.length > 1 ? 's' : ''} ${names.join(', ')} present`,
      },
      {
        ok: false,
        observed: have,
        message: `${names.length > 1 ? 'columns' : 'column'} ${what} not in the data; it has ${have.map((h) => `"${h}"`).join(', ')}`,
      },
    ),
  };
}

/** `SELECT * FROM <relation> WHERE <predicate>`: the failing rows of a row-level check. */
export function failingRows(ctx: CompileContext, predicate: string): string {
  return `SELECT * FROM ${ctx.relation} WHERE ${predicate}`;
}

/**
 * A row-level check: the alias of its failure count in the main pass, and the aggregate that reads
 * its 20 smallest (or largest) failing values if it fails. `column`: the identifier of the one
 * column the predicate reads, when it never holds for NULL (the count may then be taken over the
 * column's value counts).
 */
export function rowLevel(
  ctx: CompileContext,
  value: string,
  predicate: string,
  order: 'min' | 'max' = 'min',
  column?: string,
): { unexpected: string; sample: string } {
  const count = `count(*) FILTER (WHERE ${predicate})`;
  return {
    unexpected: ctx.aggregates.add(count, column ? { column, count: predicate } : undefined),
    sample: `${order}(${value}, ${SAMPLE_SIZE}) FILTER (WHERE ${predicate})`,
  };
}

export function quoted(names: readonly string[]): string {
  return names.map(ident).join(', ');
}

/** 12 → "12", 0.123456 → "12.35%". */
export function percent(part: number, whole: number): string {
  if (whole === 0) return '0%';
  const p = (100 * part) / whole;
  return `${p >= 10 ? p.toFixed(1) : p >= 0.01 ? p.toFixed(2) : p.toPrecision(2)}%`;
}

/** How a value reads in a message: strings quoted, the rest as JSON. */
export function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value ?? null);
}
