// Dataset checks: rows, unique, duplicates, freshness, balance and simple custom SQL as
// aggregates of the main pass; references and other custom SQL as one query each.

import type { DatasetCheck } from '../spec/schema/validation.ts';
import { familyOf, outputValue, toNumber, toText, type Column } from './columns.ts';
import {
  findColumn,
  missingColumns,
  percent,
  rowLevel,
  show,
  type CompileContext,
} from './context.ts';
import type { JsonValue, Row } from './engine.ts';
import {
  errorResult,
  SAMPLE_SIZE,
  toResult,
  type CheckSpec,
  type Outcome,
  type PlannedCheck,
} from './plan.ts';
import type { Severity } from './results.ts';
import { ident, str } from './sql.ts';
import { duplicateRows, uniqueness } from './uniqueness.ts';
import { formatDuration, parseDuration } from './units.ts';

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
        message: `newest ${column.name} is ${toText(row[newest])}, ${age < 0 ? 'in the future' : `${formatDuration(age)} old`}${ok ? '' : `, older than ${String(maxAge)}`}`,
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

function planReferences(
  ctx: DatasetContext,
  columns: Column[],
  dataset: string,
  to: string[],
  spec: CheckSpec,
): PlannedCheck {
  const other = ctx.others.get(dataset);
  if (!other)
    return { type: 'done', result: errorResult(spec, `dataset "${dataset}" is not defined`) };
  if ('unavailable' in other) return { type: 'done', result: errorResult(spec, other.unavailable) };
  if (to.length !== columns.length)
    return {
      type: 'done',
      result: errorResult(
        spec,
        `references: ${columns.length} columns refer to ${to.length} columns of ${dataset}`,
      ),
    };
  const missing = to.filter((t) => !other.columns.some((c) => c.name === t));
  if (missing.length > 0)
    return {
      type: 'done',
      result: errorResult(
        spec,
        `dataset "${dataset}" has no column ${missing.map((m) => `"${m}"`).join(', ')}`,
      ),
    };
  // Compare as text unless both sides are numbers: a BIGINT key and a VARCHAR key still match.
  const key = (side: string, col: Column, target: Column) => {
    const same = familyOf(col.type) === familyOf(target.type);
    return same ? `${side}.${ident(col.name)}` : `CAST(${side}.${ident(col.name)} AS VARCHAR)`;
  };
  const targets = to.map((t) => other.columns.find((c) => c.name === t)!);
  const keys = targets.map((t, i) => `${key('o', t, columns[i]!)} AS k${i}`).join(', ');
  const on = columns.map((c, i) => `${key('d', c, targets[i]!)} = r.k${i}`).join(' AND ');
  const notNull = columns.map((c) => `d.${ident(c.name)} IS NOT NULL`).join(' AND ');
  const value =
    columns.length === 1
      ? `d.${ident(columns[0]!.name)}`
      : `{${columns.map((c) => `${str(c.name)}: d.${ident(c.name)}`).join(', ')}}`;
  const distinctTargets = `(SELECT DISTINCT ${keys}, true AS found FROM ${other.relation} o)`;
  const sql = `SELECT count(*) AS checked, count(*) FILTER (WHERE r.found IS NULL) AS missing,
  min(${value}, ${SAMPLE_SIZE}) FILTER (WHERE r.found IS NULL) AS sample
FROM ${ctx.relation} d LEFT JOIN ${distinctTargets} r ON ${on}
WHERE ${notNull}`;
  const failingRowsSql = `SELECT d.* FROM ${ctx.relation} d ANTI JOIN ${distinctTargets} r ON ${on} WHERE ${notNull}`;
  const what = columns.map((c) => c.name).join(', ');
  const family = familyOf(columns[0]!.type);
  return {
    type: 'query',
    spec: { ...spec, failingRowsSql },
    query: {
      sql,
      evaluate(rows: Row[]): Outcome {
        const r = rows[0] ?? {};
        const checked = toNumber(r.checked);
        const bad = toNumber(r.missing);
        const raw = Array.isArray(r.sample) ? r.sample : [];
        const sample = [...new Set(raw.map((v) => JSON.stringify(v)))].map((v) =>
          outputValue(JSON.parse(v) as JsonValue, columns.length === 1 ? family : 'other'),
        );
        return {
          ok: bad === 0,
          observed: bad,
          elementCount: checked,
          unexpectedCount: bad,
          sample,
          message:
            bad === 0
              ? `every ${what} is in ${dataset}`
              : `${bad} of ${checked} rows (${percent(bad, checked)}) have a ${what} missing from ${dataset}, e.g. ${sample.slice(0, 3).map(show).join(', ')}`,
        };
      },
    },
  };
}

/** Dataset names a custom query mentions (as whole words), besides `data`. */
export function namesIn(query: string, datasets: Iterable<string>): string[] {
  const words = new Set(query.match(/[A-Za-z_][A-Za-z0-9_.-]*/g) ?? []);
  return [...datasets].filter((d) => d !== 'data' && words.has(d));
}

/**
 * The predicate of a custom check written `select * from data where <predicate>` (no subquery,
 * no comment): such a check runs inside the main pass as count(*) FILTER (WHERE predicate).
 */
export function simplePredicate(query: string): string | undefined {
  const m = /^\s*select\s+\*\s+from\s+data\s+where\s+([\s\S]+?)\s*;?\s*$/i.exec(query);
  const predicate = m?.[1];
  if (predicate === undefined || /--|\/\*|;|\bselect\b/i.test(predicate)) return undefined;
  return predicate;
}

function planSql(ctx: DatasetContext, query: string, spec: CheckSpec): PlannedCheck {
  const predicate = simplePredicate(query);
  if (predicate !== undefined && ctx.fusable.has(predicate))
    return planPredicate(ctx, query, predicate, spec);
  const views = [`data AS (SELECT * FROM ${ctx.relation})`];
  for (const name of namesIn(query, ctx.others.keys())) {
    const other = ctx.others.get(name)!;
    if ('unavailable' in other)
      return { type: 'done', result: errorResult(spec, other.unavailable) };
    views.push(`${ident(name)} AS (SELECT * FROM ${other.relation})`);
  }
  const body = query.trim().replace(/;\s*$/, '');
  const failingRowsSql = `WITH ${views.join(',\n  ')}\n${body}`;
  return {
    type: 'query',
    spec: { ...spec, failingRowsSql },
    query: {
      // The query runs as a subquery: its rows counted in one pass, the first 20 kept in order.
      sql: `WITH ${views.join(',\n  ')}\nSELECT *, count(*) OVER () AS gitops_failing FROM (\n${body}\n) ORDER BY ALL LIMIT ${SAMPLE_SIZE}`,
      evaluate(rows: Row[]): Outcome {
        const failing = toNumber(rows[0]?.gitops_failing);
        const sample = rows.map((r) => {
          return Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'gitops_failing'));
        });
        return {
          ok: failing === 0,
          observed: failing,
          unexpectedCount: failing,
          sample,
          message:
            failing === 0 ? 'the query returns no rows' : `the query returns ${failing} rows`,
        };
      },
    },
  };
}

/** A `select * from data where <predicate>` check, counted in the main pass. */
function planPredicate(
  ctx: DatasetContext,
  query: string,
  predicate: string,
  spec: CheckSpec,
): PlannedCheck {
  const row = `{${ctx.columns.map((c) => `${str(c.name)}: ${ident(c.name)}`).join(', ')}}`;
  const agg = rowLevel(ctx, row, `(${predicate})`);
  return {
    type: 'aggregate',
    spec: {
      ...spec,
      failingRowsSql: `WITH data AS (SELECT * FROM ${ctx.relation})\n${query.trim().replace(/;\s*$/, '')}`,
    },
    evaluate(r) {
      const failing = toNumber(r[agg.unexpected]);
      return {
        ok: failing === 0,
        observed: failing,
        elementCount: toNumber(r.n),
        unexpectedCount: failing,
        sample: Array.isArray(r[agg.sample]) ? (r[agg.sample] as JsonValue[]) : [],
        message: failing === 0 ? 'the query returns no rows' : `the query returns ${failing} rows`,
      };
    },
  };
}
