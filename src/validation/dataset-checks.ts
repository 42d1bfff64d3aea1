// Dataset checks: rows, unique, duplicates, freshness, balance and simple custom SQL as
// aggregates of the main pass; references and other custom SQL as one query each.

import type { DatasetCheck } from '../spec/schema/validation.ts';
import { familyOf, toNumber, toText, type Column } from './columns.ts';
import { findColumn, missingColumns, show, type CompileContext } from './context.ts';
import type { JsonValue } from './engine.ts';
import { errorResult, toResult, type CheckSpec, type PlannedCheck } from './plan.ts';
import type { Severity } from './results.ts';
import { ident } from './sql.ts';
import { planReferences, planSql } from './sql-checks.ts';
import { duplicateRows, uniqueness } from './uniqueness.ts';
import { formatAge, parseDuration } from '../units.ts';

/** Another dataset of the pipeline, opened for `references` and custom SQL. */
export interface OtherDataset {
  relation: string;
  columns: readonly Column[];
}

export interface DatasetContext extends CompileContext {
  /** Predicates of `select * from data where ...` checks that bind: they join the main pass. */
  fusable: ReadonlySet<string>;
  /** Datasets this suite refers to by name; undefined when their data is unavailable (with why). */
  others: ReadonlyMap<string, OtherDataset | { unavailable: string }>;
  /** The first uniqueness key the suite checks, if any: it proves the absence of duplicates. */
  uniqueKey?: readonly Column[] | undefined;
}

type Kind = keyof DatasetCheck;

function asList(columns: string | readonly string[]): string[] {
  return typeof columns === 'string' ? [columns] : [...columns];
}

function named(value: DatasetCheck[keyof DatasetCheck]): {
  name?: string | undefined;
  severity?: Severity | undefined;
} {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

/** Plan the j-th entry of `checks:`. */
export function planDatasetCheck(
  ctx: DatasetContext,
  j: number,
  check: DatasetCheck,
): PlannedCheck {
  const kind = Object.keys(check)[0] as Kind;
  const body = check[kind];
  const opts = named(body);
  const spec = (expected: string, columns?: string[]): CheckSpec => ({
    id: `checks.${j}.${kind}`,
    check: kind === 'unique' ? 'unique' : kind,
    ...(columns && { columns }),
    ...(opts.name !== undefined && { name: opts.name }),
    severity: opts.severity ?? ctx.severity,
    specPath: ['validation', ctx.suite, 'checks', j, kind],
    expected,
  });
  const columnsOrMissing = (names: string[], s: CheckSpec): Column[] | PlannedCheck => {
    const missing = names.filter((n) => !findColumn(ctx, n));
    if (missing.length > 0) return missingColumns(ctx, s, missing);
    return names.map((n) => findColumn(ctx, n)!);
  };
  switch (kind) {
    case 'rows': {
      const rows = check.rows!;
      return planRows(spec(rowsExpected(rows.min, rows.max)), rows.min, rows.max);
    }
    case 'unique': {
      const u = check.unique!;
      const names = asList(typeof u === 'object' && !Array.isArray(u) ? u.columns : u);
      const s = spec('unique', names);
      const cols = columnsOrMissing(names, s);
      return Array.isArray(cols) ? uniqueness(ctx, cols, s) : cols;
    }
    case 'duplicates': {
      const d = check.duplicates!;
      const max = typeof d === 'object' ? (d.max ?? 0) : 0;
      if (d === false) {
        const off = spec('not checked');
        return {
          type: 'done',
          result: toResult(off, {
            ok: true,
            observed: null,
            message: '`duplicates: false` turns this check off',
          }),
        };
      }
      return duplicateRows(ctx, max, spec(`≤ ${max} duplicate rows`), ctx.uniqueKey);
    }
    case 'freshness': {
      const f = check.freshness!;
      const s = spec(`newest ${f.column} within ${String(f.maxAge)}`, [f.column]);
      const cols = columnsOrMissing([f.column], s);
      return Array.isArray(cols) ? planFreshness(ctx, cols[0]!, f.maxAge, s) : cols;
    }
    case 'balance': {
      const b = check.balance!;
      const s = spec(balanceExpected(b.min, b.max), [b.column]);
      const cols = columnsOrMissing([b.column], s);
      return Array.isArray(cols) ? planBalance(ctx, cols[0]!, b.min, b.max, s) : cols;
    }
    case 'references': {
      const r = check.references!;
      const names = asList(r.columns);
      const to = r.to === undefined ? names : asList(r.to);
      const s = spec(`every (${names.join(', ')}) in ${r.dataset}.(${to.join(', ')})`, names);
      const cols = columnsOrMissing(names, s);
      return Array.isArray(cols) ? planReferences(ctx, cols, r.dataset, to, s) : cols;
    }
    case 'sql': {
      const q = check.sql!;
      const query = typeof q === 'string' ? q : q.query;
      return planSql(ctx, query, spec('no rows'));
    }
  }
}

function rowsExpected(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `${min}..${max} rows`;
  if (min !== undefined) return `≥ ${min} rows`;
  return max !== undefined ? `≤ ${max} rows` : 'any number of rows';
}

function planRows(spec: CheckSpec, min: number | undefined, max: number | undefined): PlannedCheck {
  return {
    type: 'aggregate',
    spec,
    evaluate(row) {
      const rows = toNumber(row.n);
      const ok = (min === undefined || rows >= min) && (max === undefined || rows <= max);
      return {
        ok,
        observed: rows,
        message: ok ? `${rows} rows` : `${rows} rows, expected ${spec.expected}`,
      };
    },
  };
}

function planFreshness(
  ctx: CompileContext,
  column: Column,
  maxAge: number | string,
  spec: CheckSpec,
): PlannedCheck {
  const x = ident(column.name);
  const family = familyOf(column.type);
  const ts =
    family === 'timestamp'
      ? x
      : family === 'date'
        ? `CAST(${x} AS TIMESTAMP)`
        : family === 'string'
          ? `TRY_CAST(${x} AS TIMESTAMP)`
          : undefined;
  if (ts === undefined)
    return {
      type: 'done',
      result: errorResult(
        spec,
        `freshness needs a date or timestamp column; ${column.name} is ${column.type}`,
      ),
    };
  const newest = ctx.aggregates.add(`max(${ts})`);
  const epoch = ctx.aggregates.add(`epoch(max(${ts}))`);
  const count = ctx.aggregates.add(`count(${ts})`);
  const limit = parseDuration(maxAge);
  return {
    type: 'aggregate',
    spec,
    evaluate(row) {
      const total = toNumber(row[count]);
      if (total === 0 || row[epoch] === null || row[epoch] === undefined) {
        return {
          ok: false,
          observed: null,
          elementCount: total,
          message: `${column.name} has no timestamps`,
        };
      }
      const age = ctx.now - toNumber(row[epoch]) * 1000;
      const ok = age <= limit;
      return {
        ok,
        observed: row[newest] ?? null,
        elementCount: total,
        message: `newest ${column.name} is ${toText(row[newest])}, ${age < 0 ? 'in the future' : `${formatAge(age)} old`}${ok ? '' : `, older than ${String(maxAge)}`}`,
      };
    },
  };
}

function balanceExpected(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `each class share ${min}..${max}`;
  if (min !== undefined) return `each class share ≥ ${min}`;
  return max !== undefined ? `each class share ≤ ${max}` : 'any balance';
}

function readMap(value: JsonValue | undefined): [string, number][] {
  if (!Array.isArray(value)) return [];
  return value.map((e) => {
    const entry = e as { key?: JsonValue; value?: JsonValue };
    return [toText(entry.key), toNumber(entry.value)];
  });
}

function planBalance(
  ctx: CompileContext,
  column: Column,
  min: number | undefined,
  max: number | undefined,
  spec: CheckSpec,
): PlannedCheck {
  const x = ident(column.name);
  const text = familyOf(column.type) === 'string' ? x : `CAST(${x} AS VARCHAR)`;
  const histogram = ctx.aggregates.add(`histogram(${text})`);
  return {
    type: 'aggregate',
    spec,
    evaluate(row) {
      const classes = readMap(row[histogram]).sort((a, b) =>
        a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0,
      );
      const total = classes.reduce((n, [, c]) => n + c, 0);
      const shares: Record<string, number> = {};
      const off: string[] = [];
      for (const [name, count] of classes) {
        const share = total > 0 ? count / total : 0;
        shares[name] = Number(share.toPrecision(6));
        if ((min !== undefined && share < min) || (max !== undefined && share > max))
          off.push(name);
      }
      return {
        ok: classes.length > 0 && off.length === 0,
        observed: shares,
        elementCount: classes.length,
        unexpectedCount: off.length,
        sample: off,
        message:
          classes.length === 0
            ? `${column.name} has no values`
            : off.length === 0
              ? `${classes.length} classes of ${column.name}, shares ${Object.values(shares)
                  .map((s) => s.toFixed(3))
                  .join(', ')}`
              : `${off.map((c) => `${show(c)} holds ${shares[c]!.toFixed(3)}`).join(', ')} of rows; expected ${spec.expected}`,
      };
    },
  };
}
