// Checks that read more than the dataset's own columns: `references` (an anti-join with another
// dataset) and custom SQL (`data` is the dataset; other datasets by name). A custom query of the
// form `select * from data where <predicate>` joins the main pass instead of scanning again.

import { familyOf, outputValue, toNumber, type Column } from './columns.ts';
import { percent, rowLevel, show } from './context.ts';
import type { DatasetContext } from './dataset-checks.ts';
import type { JsonValue, Row } from './engine.ts';
import {
  errorResult,
  SAMPLE_SIZE,
  type CheckSpec,
  type Outcome,
  type PlannedCheck,
} from './plan.ts';
import { ident, str, trimQuery } from './sql.ts';

export function planReferences(
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

export function planSql(ctx: DatasetContext, query: string, spec: CheckSpec): PlannedCheck {
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
  const body = trimQuery(query);
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
      failingRowsSql: `WITH data AS (SELECT * FROM ${ctx.relation})\n${trimQuery(query)}`,
    },
    evaluate(r) {
      const failing = toNumber(r[agg.unexpected]);
      return {
        ok: failing === 0,
        observed: failing,
        elementCount: toNumber(r.n),
        unexpectedCount: failing,
        ...(failing > 0 && {
          pendingSample: { expression: agg.sample, family: 'other' as const, mention: false },
        }),
        message: failing === 0 ? 'the query returns no rows' : `the query returns ${failing} rows`,
      };
    },
  };
}
