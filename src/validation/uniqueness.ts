// Uniqueness (one column or several together) and duplicate rows, decided in the main pass by
// DISTINCT aggregates (a hash table in the same scan), so no GROUP BY pass runs when the data is
// clean. They share work: two identical rows have the same key, so when the suite has a key that
// is complete and unique, no row can be duplicated and duplicates cost nothing more. Without a
// key, duplicates compare 64-bit row hashes. Only when a surplus shows up does one GROUP BY query
// count it exactly and collect samples, comparing the values themselves, so a hash collision can
// never fail a check.

import { outputValue, familyOf, toNumber, type Column } from './columns.ts';
import { percent, show, type CompileContext } from './context.ts';
import type { JsonValue, Row } from './engine.ts';
import {
  SAMPLE_SIZE,
  type CheckQuery,
  type CheckSpec,
  type Outcome,
  type PlannedCheck,
} from './plan.ts';
import { ident, str } from './sql.ts';

function structOf(columns: readonly Column[]): string {
  return `{${columns.map((c) => `${str(c.name)}: ${ident(c.name)}`).join(', ')}}`;
}

function readTop(
  value: JsonValue | undefined,
  columns: readonly Column[],
): { value: JsonValue; count: number }[] {
  if (!Array.isArray(value)) return [];
  return value.map((item) => {
    const entry = item as { neg?: JsonValue; v?: JsonValue };
    let v = entry.v ?? null;
    if (columns.length === 1) v = outputValue(v, familyOf(columns[0]!.type));
    return { value: v, count: -toNumber(entry.neg) };
  });
}

/** Integer keys are marked in a bitmap of 2^27 bits (16 MB per thread) by their low bits. */
const KEY_BITS = 2 ** 27 - 1;

/**
 * Aggregates counting the rows with a complete key, and a lower bound of the distinct keys among
 * them that equals the row count only when every key is distinct. One integer column: the number
 * of distinct low 27 bits, a bitmap instead of a hash table (several times cheaper); it proves
 * dense keys such as row numbers unique, and when low bits collide the follow-up GROUP BY decides.
 * Anything else: the exact count of distinct keys.
 */
function keyAggregates(
  ctx: CompileContext,
  columns: readonly Column[],
): { total: string; distinct: string } {
  const list = columns.map((c) => ident(c.name)).join(', ');
  const notNull = columns.map((c) => `${ident(c.name)} IS NOT NULL`).join(' AND ');
  const single = columns.length === 1;
  let distinct = `count(DISTINCT (${list})) FILTER (WHERE ${notNull})`;
  if (single && familyOf(columns[0]!.type) === 'integer') {
    distinct = `bit_count(bitstring_agg(CAST(${list} & ${KEY_BITS} AS INTEGER), 0, ${KEY_BITS}))`;
  } else if (single) {
    distinct = `count(DISTINCT ${list})`;
  }
  return {
    total: ctx.aggregates.add(single ? `count(${list})` : `count(*) FILTER (WHERE ${notNull})`),
    distinct: ctx.aggregates.add(distinct),
  };
}

/** Every non-null key (all columns non-null) appears once. */
export function uniqueness(
  ctx: CompileContext,
  columns: readonly Column[],
  spec: CheckSpec,
): PlannedCheck {
  const names = columns.map((c) => c.name);
  const list = columns.map((c) => ident(c.name)).join(', ');
  const notNull = columns.map((c) => `${ident(c.name)} IS NOT NULL`).join(' AND ');
  const single = columns.length === 1;
  const { total, distinct } = keyAggregates(ctx, columns);
  const duplicated = `SELECT ${list} FROM ${ctx.relation} WHERE ${notNull} GROUP BY ALL HAVING count(*) > 1`;
  const on = columns.map((c) => `d.${ident(c.name)} = k.${ident(c.name)}`).join(' AND ');
  const failingRowsSql = `SELECT d.* FROM ${ctx.relation} d SEMI JOIN (${duplicated}) k ON ${on} ORDER BY ${columns.map((c) => `d.${ident(c.name)}`).join(', ')}`;
  const what = single ? names[0]! : `(${names.join(', ')})`;
  return {
    type: 'aggregate',
    spec: { ...spec, failingRowsSql },
    evaluate(row): Outcome | CheckQuery {
      const rows = toNumber(row[total]);
      const unique: Outcome = {
        ok: true,
        observed: 0,
        elementCount: rows,
        unexpectedCount: 0,
        message: `every ${what} is unique`,
      };
      if (rows - toNumber(row[distinct]) === 0) return unique;
      return {
        sql: `SELECT count(*) AS dup_values, sum(n) AS dup_rows, min({'neg': -n, 'v': ${single ? list : structOf(columns)}}, ${SAMPLE_SIZE}) AS top
FROM (SELECT ${list}, count(*) AS n FROM ${ctx.relation} WHERE ${notNull} GROUP BY ALL HAVING count(*) > 1)`,
        evaluate(rows2: Row[]): Outcome {
          const r = rows2[0] ?? {};
          const values = toNumber(r.dup_values);
          if (values === 0) return unique;
          const inRows = toNumber(r.dup_rows);
          const top = readTop(r.top, columns);
          return {
            ok: values === 0,
            observed: values,
            elementCount: rows,
            unexpectedCount: inRows,
            sample: top.map((t) => t.value),
            message: `${values} ${single ? 'values' : 'keys'} of ${what} appear more than once, in ${inRows} of ${rows} rows (${percent(inRows, rows)}), e.g. ${top
              .slice(0, 3)
              .map((t) => `${show(t.value)} ×${t.count}`)
              .join(', ')}`,
          };
        },
      };
    },
  };
}

/**
 * Rows that are exact copies of an earlier row: at most `max`. `key` is a uniqueness key the suite
 * checks anyway: when every row has it and it is unique, there are no duplicates.
 */
export function duplicateRows(
  ctx: CompileContext,
  max: number,
  spec: CheckSpec,
  key?: readonly Column[],
): PlannedCheck {
  const list = ctx.columns.map((c) => ident(c.name)).join(', ');
  const proof = key
    ? keyAggregates(ctx, key)
    : { total: 'n', distinct: ctx.aggregates.add(`count(DISTINCT hash(${list}))`) };
  const failingRowsSql = `SELECT *, count(*) AS copies FROM ${ctx.relation} GROUP BY ALL HAVING count(*) > 1 ORDER BY copies DESC`;
  return {
    type: 'aggregate',
    spec: { ...spec, failingRowsSql },
    evaluate(row): Outcome | CheckQuery {
      const rows = toNumber(row.n);
      const complete = toNumber(row[proof.total]) === rows;
      if (complete && rows - toNumber(row[proof.distinct]) === 0) {
        return {
          ok: true,
          observed: 0,
          elementCount: rows,
          unexpectedCount: 0,
          message: 'no row is duplicated',
        };
      }
      return {
        sql: `SELECT count(*) AS groups, sum(n - 1) AS surplus, min({'neg': -n, 'v': ${structOf(ctx.columns)}}, ${SAMPLE_SIZE}) AS top
FROM (SELECT ${list}, count(*) AS n FROM ${ctx.relation} GROUP BY ALL HAVING count(*) > 1)`,
        evaluate(rows2: Row[]): Outcome {
          const r = rows2[0] ?? {};
          const surplus = toNumber(r.surplus);
          const groups = toNumber(r.groups);
          const top = readTop(r.top, ctx.columns);
          return {
            ok: surplus <= max,
            observed: surplus,
            elementCount: rows,
            unexpectedCount: surplus,
            sample: top.map((t) => t.value),
            message:
              surplus === 0
                ? 'no row is duplicated'
                : `${surplus} of ${rows} rows (${percent(surplus, rows)}) repeat an earlier row (${groups} distinct rows occur more than once)${surplus <= max ? `, within ${max}` : ''}`,
          };
        },
      };
    },
  };
}
