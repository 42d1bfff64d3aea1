// A column read as the type the suite declares, and the values that are not of that type.

import type { ColumnType } from '../spec/schema/validation.ts';
import { familyOf, isNumeric, type Column, type TypeFamily } from './columns.ts';
import { ident } from './sql.ts';

export interface TypedColumn {
  /** SQL of the value as the declared type (NULL where a text value does not convert). */
  expr: string;
  /** The family checks compare in. */
  family: TypeFamily;
  /** Predicate for non-null values that are not of the declared type. */
  invalid?: string;
  /** The stored type can never hold the declared one (a DATE declared `number`). */
  incompatible?: boolean;
}

function fromText(x: string, type: string, family: TypeFamily): TypedColumn {
  const cast = `TRY_CAST(${x} AS ${type})`;
  return { expr: cast, family, invalid: `${x} IS NOT NULL AND ${cast} IS NULL` };
}

export function typedColumn(column: Column, declared: ColumnType | undefined): TypedColumn {
  const x = ident(column.name);
  const family = familyOf(column.type);
  const same: TypedColumn = { expr: x, family };
  const incompatible: TypedColumn = { expr: x, family, incompatible: true };
  switch (declared) {
    case undefined:
      return same;
    case 'string':
      return family === 'string' ? same : incompatible;
    case 'number':
      if (isNumeric(family)) return same;
      return family === 'string' ? fromText(x, 'DOUBLE', 'float') : incompatible;
    case 'integer': {
      if (family === 'integer') return same;
      if (family === 'float')
        return {
          expr: x,
          family,
          invalid: `${x} IS NOT NULL AND (NOT isfinite(${x}) OR ${x} <> trunc(${x}))`,
        };
      if (family === 'decimal') return { expr: x, family, invalid: `${x} <> trunc(${x})` };
      if (family !== 'string') return incompatible;
      const cast = `TRY_CAST(${x} AS DOUBLE)`;
      return {
        expr: cast,
        family: 'float',
        invalid: `${x} IS NOT NULL AND (${cast} IS NULL OR NOT isfinite(${cast}) OR ${cast} <> trunc(${cast}))`,
      };
    }
    case 'boolean':
      if (family === 'boolean') return same;
      return family === 'string' ? fromText(x, 'BOOLEAN', 'boolean') : incompatible;
    case 'date':
      if (family === 'date') return same;
      return family === 'string' ? fromText(x, 'DATE', 'date') : incompatible;
    case 'timestamp':
      if (family === 'timestamp') return same;
      if (family === 'date') return { expr: `CAST(${x} AS TIMESTAMP)`, family: 'timestamp' };
      return family === 'string' ? fromText(x, 'TIMESTAMP', 'timestamp') : incompatible;
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP =
  /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?))?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * A bound or allowed value from the spec as a SQL literal comparable with a column of `family`,
 * or a message saying why it cannot be. Timestamps without an offset are UTC, like the data.
 */
export function boundLiteral(
  value: string | number | boolean,
  family: TypeFamily,
): { sql: string } | { error: string } {
  if (isNumeric(family)) {
    const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
    if (
      typeof value === 'boolean' ||
      !Number.isFinite(n) ||
      (typeof value === 'string' && value.trim() === '')
    )
      return { error: `${JSON.stringify(value)} is not a number` };
    return { sql: String(n) };
  }
  if (family === 'date' || family === 'timestamp') {
    if (typeof value !== 'string')
      return { error: `write a ${family} as a string such as "2024-01-31"` };
    if (family === 'date' && DATE.test(value) && !Number.isNaN(Date.parse(value)))
      return { sql: `DATE '${value}'` };
    const m = TIMESTAMP.exec(value);
    if (!m)
      return {
        error: `${JSON.stringify(value)} is not a ${family} (use 2024-01-31 or 2024-01-31T12:00:00Z)`,
      };
    const iso = `${m[1]}T${m[2] ?? '00:00:00'}${m[3] ?? 'Z'}`;
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) return { error: `${JSON.stringify(value)} is not a valid ${family}` };
    const utc = new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
    return { sql: family === 'date' ? `DATE '${utc.slice(0, 10)}'` : `TIMESTAMP '${utc}'` };
  }
  if (family === 'boolean') {
    if (typeof value === 'boolean') return { sql: String(value) };
    if (value === 'true' || value === 'false') return { sql: value };
    return { error: `${JSON.stringify(value)} is not a boolean` };
  }
  if (family === 'string') {
    return { sql: `'${String(value).replace(/'/g, "''")}'` };
  }
  return { error: `values of this column's type cannot be compared` };
}
