// Column checks (type, nullable, min, max, in, regex, length, unique) compiled to aggregates of the
// main pass. Each spec key becomes one result, so an annotation points at the key that failed.

import type { ColumnCheck } from '../spec/schema/validation.ts';
import {
  asText,
  familyOf,
  outputValue,
  toNumber,
  type Column,
  type TypeFamily,
} from './columns.ts';
import type { Row } from './engine.ts';
import {
  failingRows,
  findColumn,
  missingColumns,
  percent,
  rowLevel,
  show,
  type CompileContext,
} from './context.ts';
import { errorResult, type CheckSpec, type Outcome, type PlannedCheck } from './plan.ts';
import { uniqueness } from './uniqueness.ts';
import { boundLiteral, typedColumn, type TypedColumn } from './typed.ts';
import { ident } from './sql.ts';

function specFor(
  ctx: CompileContext,
  column: string,
  key: string,
  check: CheckSpec['check'],
  expected: string,
  severity: CheckSpec['severity'],
): CheckSpec {
  return {
    id: `columns.${column}.${key}`,
    check,
    columns: [column],
    severity,
    specPath: ['validation', ctx.suite, 'columns', column, key],
    expected,
  };
}

/** Plan every check written under `columns:` for one column. */
export function planColumn(ctx: CompileContext, name: string, spec: ColumnCheck): PlannedCheck[] {
  const severity = spec.severity ?? ctx.severity;
  const column = findColumn(ctx, name);
  if (!column) {
    const base = specFor(ctx, name, '', 'exists', '', severity);
    return [
      missingColumns(
        ctx,
        { ...base, id: `columns.${name}`, specPath: ['validation', ctx.suite, 'columns', name] },
        [name],
      ),
    ];
  }
  const typed = typedColumn(column, spec.type);
  const planned: PlannedCheck[] = [];
  const s = (key: string, check: CheckSpec['check'], expected: string) =>
    specFor(ctx, name, key, check, expected, severity);
  if (spec.type !== undefined)
    planned.push(planType(ctx, column, typed, s('type', 'type', spec.type)));
  if (spec.nullable !== undefined && spec.nullable !== true)
    planned.push(
      planNullable(
        ctx,
        column,
        spec.nullable,
        s('nullable', 'nullable', nullableExpected(spec.nullable)),
      ),
    );
  // Values of a type that can never hold the declared one are all reported by `type`.
  if (typed.incompatible) return planned;
  if (spec.min !== undefined)
    planned.push(
      planBound(ctx, column, typed, spec.min, 'min', s('min', 'min', `≥ ${String(spec.min)}`)),
    );
  if (spec.max !== undefined)
    planned.push(
      planBound(ctx, column, typed, spec.max, 'max', s('max', 'max', `≤ ${String(spec.max)}`)),
    );
  if (spec.in !== undefined)
    planned.push(
      planIn(ctx, column, typed, spec.in, s('in', 'in', `in [${spec.in.map(String).join(', ')}]`)),
    );
  if (spec.regex !== undefined)
    planned.push(planRegex(ctx, column, spec.regex, s('regex', 'regex', `matches ${spec.regex}`)));
  if (spec.length !== undefined)
    planned.push(
      planLength(ctx, column, spec.length, s('length', 'length', lengthExpected(spec.length))),
    );
  if (spec.unique === true)
    planned.push(uniqueness(ctx, [column], s('unique', 'unique', 'unique')));
  return planned;
}

/**
 * The column's identifier when its checks may be evaluated on its distinct values (see
 * AggregateList): not for floating-point columns, whose value counts merge 0 and −0.
 */
function valuesOf(column: Column): string | undefined {
  return familyOf(column.type) === 'float' ? undefined : ident(column.name);
}

function nullableExpected(nullable: false | number): string {
  return nullable === false ? 'no nulls' : `null share ≤ ${nullable}`;
}

function lengthExpected(length: NonNullable<ColumnCheck['length']>): string {
  if (typeof length === 'number') return `length ${length}`;
  if (length.min !== undefined && length.max !== undefined)
    return `length ${length.min}..${length.max}`;
  if (length.min !== undefined) return `length ≥ ${length.min}`;
  return length.max !== undefined ? `length ≤ ${length.max}` : 'any length';
}

function planType(
  ctx: CompileContext,
  column: Column,
  typed: TypedColumn,
  spec: CheckSpec,
): PlannedCheck {
  const x = ident(column.name);
  const predicate = typed.incompatible ? `${x} IS NOT NULL` : typed.invalid;
  const count = ctx.aggregates.add(`count(${x})`);
  if (predicate === undefined) {
    return {
      type: 'aggregate',
      spec,
      evaluate: (row) => ({
        ok: true,
        observed: column.type,
        elementCount: toNumber(row[count]),
        unexpectedCount: 0,
        message: `${column.name} is ${column.type}`,
      }),
    };
  }
  return failingValues(ctx, column, spec, {
    value: `CAST(${x} AS VARCHAR)`,
    family: 'string',
    failure: predicate,
    counted: x,
    observed: () => column.type,
    what: `not ${spec.expected}`,
    ...(typed.incompatible && {
      note: `${column.name} is stored as ${column.type}, not ${spec.expected}: its other value checks were not run`,
    }),
  });
}

function planNullable(
  ctx: CompileContext,
  column: Column,
  nullable: false | number,
  spec: CheckSpec,
): PlannedCheck {
  const x = ident(column.name);
  const count = ctx.aggregates.add(`count(${x})`);
  return {
    type: 'aggregate',
    spec: { ...spec, failingRowsSql: failingRows(ctx, `${x} IS NULL`) },
    evaluate(row) {
      const rows = toNumber(row.n);
      const nulls = rows - toNumber(row[count]);
      const share = rows > 0 ? nulls / rows : 0;
      const ok = nullable === false ? nulls === 0 : share <= nullable;
      return {
        ok,
        observed: nullable === false ? nulls : Number(share.toPrecision(10)),
        elementCount: rows,
        unexpectedCount: nulls,
        message:
          nulls === 0
            ? `${column.name} has no nulls`
            : `${nulls} of ${rows} rows (${percent(nulls, rows)}) have no ${column.name}${nullable === false ? '' : ok ? `, within ${nullable}` : `, more than ${nullable}`}`,
      };
    },
  };
}

function planBound(
  ctx: CompileContext,
  column: Column,
  typed: TypedColumn,
  bound: string | number,
  side: 'min' | 'max',
  spec: CheckSpec,
): PlannedCheck {
  const literal = boundLiteral(bound, typed.family);
  if ('error' in literal)
    return { type: 'done', result: errorResult(spec, `${side}: ${literal.error}`) };
  const name = spec.columns![0]!;
  const predicate = `${typed.expr} ${side === 'min' ? '<' : '>'} ${literal.sql}`;
  const values = valuesOf(column);
  const agg = rowLevel(ctx, typed.expr, predicate, side, values);
  const extremeOf =
    values === undefined
      ? undefined
      : side === 'min'
        ? { column: values, min: typed.expr }
        : { column: values, max: typed.expr };
  const extreme = ctx.aggregates.add(`${side}(${typed.expr})`, extremeOf);
  const count = ctx.aggregates.add(`count(${typed.expr})`);
  return {
    type: 'aggregate',
    spec: { ...spec, failingRowsSql: failingRows(ctx, predicate) },
    evaluate(row) {
      const bad = toNumber(row[agg.unexpected]);
      const total = toNumber(row[count]);
      const observed = outputValue(row[extreme] ?? null, typed.family);
      return {
        ok: bad === 0,
        observed,
        elementCount: total,
        unexpectedCount: bad,
        message:
          bad === 0
            ? `${side} of ${name} is ${show(observed)}`
            : `${bad} of ${total} values of ${name} (${percent(bad, total)}) are ${side === 'min' ? 'below' : 'above'} ${String(bound)}`,
        ...(bad > 0 && {
          pendingSample: { expression: agg.sample, family: typed.family, mention: true },
        }),
      };
    },
  };
}

/** Allowed values as literals of the column's family; values that can never match are dropped. */
function allowedLiterals(
  values: readonly (string | number | boolean)[],
  family: TypeFamily,
): string[] {
  const out = new Set<string>();
  for (const v of values) {
    const lit = boundLiteral(v, family);
    if ('sql' in lit) out.add(lit.sql);
  }
  return [...out];
}

function planIn(
  ctx: CompileContext,
  column: Column,
  typed: TypedColumn,
  values: readonly (string | number | boolean)[],
  spec: CheckSpec,
): PlannedCheck {
  const comparable = ['string', 'integer', 'float', 'decimal', 'boolean'].includes(typed.family);
  const value = comparable ? typed.expr : asText(column);
  const family = comparable ? typed.family : 'string';
  const literals = allowedLiterals(values, family);
  const predicate =
    literals.length === 0 ? `${value} IS NOT NULL` : `${value} NOT IN (${literals.join(', ')})`;
  return valuePredicate(ctx, column, spec, value, family, predicate, 'not in the allowed set');
}

function planRegex(
  ctx: CompileContext,
  column: Column,
  pattern: string,
  spec: CheckSpec,
): PlannedCheck {
  const invalid = ctx.invalidPatterns.get(pattern);
  if (invalid !== undefined)
    return {
      type: 'done',
      result: errorResult(spec, `regex ${pattern} is not valid RE2 (DuckDB's syntax): ${invalid}`),
    };
  const text = asText(column);
  const predicate = `NOT regexp_matches(${text}, '${pattern.replace(/'/g, "''")}')`;
  return valuePredicate(ctx, column, spec, text, 'string', predicate, `not matching ${pattern}`);
}

function planLength(
  ctx: CompileContext,
  column: Column,
  length: NonNullable<ColumnCheck['length']>,
  spec: CheckSpec,
): PlannedCheck {
  const text = asText(column);
  const len = `length(${text})`;
  const parts =
    typeof length === 'number'
      ? [`${len} <> ${length}`]
      : [
          ...(length.min !== undefined ? [`${len} < ${length.min}`] : []),
          ...(length.max !== undefined ? [`${len} > ${length.max}`] : []),
        ];
  const predicate = parts.length === 0 ? 'false' : `(${parts.join(' OR ')})`;
  const values = valuesOf(column);
  const shortest = ctx.aggregates.add(
    `min(${len})`,
    values === undefined ? undefined : { column: values, min: len },
  );
  const longest = ctx.aggregates.add(
    `max(${len})`,
    values === undefined ? undefined : { column: values, max: len },
  );
  const planned = valuePredicate(ctx, column, spec, text, 'string', predicate, `of another length`);
  if (planned.type !== 'aggregate') return planned;
  return {
    ...planned,
    evaluate(row) {
      const outcome = planned.evaluate(row) as Outcome;
      return {
        ...outcome,
        observed: { min: toNumber(row[shortest]), max: toNumber(row[longest]) },
      };
    },
  };
}

/** A check that holds when no non-null value satisfies `predicate`. */
function valuePredicate(
  ctx: CompileContext,
  column: Column,
  spec: CheckSpec,
  value: string,
  family: TypeFamily,
  predicate: string,
  what: string,
): PlannedCheck {
  return failingValues(ctx, column, spec, {
    value,
    family,
    failure: `${value} IS NOT NULL AND ${predicate}`,
    counted: value,
    observed: (bad) => bad,
    what,
  });
}

interface FailingValues {
  /** The value shown in samples, and its family. */
  value: string;
  family: TypeFamily;
  /** The predicate of a failing row. */
  failure: string;
  /** The expression whose non-null count is the number of values checked. */
  counted: string;
  observed: (bad: number) => Row[string];
  /** How failing values are described: "are <what>". */
  what: string;
  /** A message that replaces the usual one when values fail (and names no examples). */
  note?: string;
}

/** A row-level check: failures counted in the main pass, their values read only if any. */
function failingValues(
  ctx: CompileContext,
  column: Column,
  spec: CheckSpec,
  f: FailingValues,
): PlannedCheck {
  const agg = rowLevel(ctx, f.value, f.failure, 'min', valuesOf(column));
  const count = ctx.aggregates.add(`count(${f.counted})`);
  return {
    type: 'aggregate',
    spec: { ...spec, failingRowsSql: failingRows(ctx, f.failure) },
    evaluate(row) {
      const bad = toNumber(row[agg.unexpected]);
      const total = toNumber(row[count]);
      return {
        ok: bad === 0,
        observed: f.observed(bad),
        elementCount: total,
        unexpectedCount: bad,
        message:
          bad === 0
            ? `every value of ${column.name} is ${spec.expected}`
            : (f.note ??
              `${bad} of ${total} values of ${column.name} (${percent(bad, total)}) are ${f.what}`),
        ...(bad > 0 && {
          pendingSample: {
            expression: agg.sample,
            family: f.family,
            mention: f.note === undefined,
          },
        }),
      };
    },
  };
}
