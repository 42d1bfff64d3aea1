// Column types as the checks see them, and the SQL that reads a column as the type a check needs
// without ever failing a whole scan on one bad value (TRY_CAST, never CAST, on data).

import type { JsonValue } from './engine.ts';
import { ident } from './sql.ts';

export type TypeFamily =
  'string' | 'integer' | 'float' | 'decimal' | 'boolean' | 'date' | 'timestamp' | 'time' | 'other';

export interface Column {
  name: string;
  /** The DuckDB type, as DESCRIBE prints it. */
  type: string;
}

export function familyOf(type: string): TypeFamily {
  const t = type.toUpperCase();
  if (t === 'VARCHAR' || t.startsWith('VARCHAR(') || t === 'JSON') return 'string';
  if (/^U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)$/.test(t)) return 'integer';
  if (t === 'FLOAT' || t === 'DOUBLE' || t === 'REAL') return 'float';
  if (t.startsWith('DECIMAL')) return 'decimal';
  if (t === 'BOOLEAN') return 'boolean';
  if (t === 'DATE') return 'date';
  if (t.startsWith('TIMESTAMP')) return 'timestamp';
  if (t.startsWith('TIME')) return 'time';
  return 'other';
}

export function isNumeric(family: TypeFamily): boolean {
  return family === 'integer' || family === 'float' || family === 'decimal';
}

export function isTemporal(family: TypeFamily): boolean {
  return family === 'date' || family === 'timestamp';
}

/** The column as a DOUBLE (temporal columns as epoch seconds); NULL where it is not a number. */
export function asDouble(column: Column): string {
  const x = ident(column.name);
  const family = familyOf(column.type);
  if (isNumeric(family)) return `CAST(${x} AS DOUBLE)`;
  if (isTemporal(family)) return `CAST(epoch(${x}) AS DOUBLE)`;
  return `TRY_CAST(${x} AS DOUBLE)`;
}

/**
 * The column as drift counts its values: numbers and booleans as they are (hashing them is
 * cheaper than hashing their text), dates and timestamps as epoch seconds, text as text. Both
 * sides use it, and read the keys back with toText, so they compare equal.
 */
export function driftValue(column: Column): string {
  const family = familyOf(column.type);
  if (isTemporal(family)) return asDouble(column);
  if (family === 'other' || family === 'time') return `CAST(${ident(column.name)} AS VARCHAR)`;
  return family === 'float' ? withoutNaN(ident(column.name)) : ident(column.name);
}

/**
 * The column as a DOUBLE with NaN, not a value, as NULL (as in driftValue): drift's binned counts,
 * profiles' statistics (DuckDB's stddev fails on NaN, min/max/avg return it).
 */
export function asNumber(column: Column): string {
  const family = familyOf(column.type);
  const v = asDouble(column);
  return family === 'integer' || family === 'decimal' || isTemporal(family) ? v : withoutNaN(v);
}

/** The column as it is, NaN (a float column's missing value, as pandas reads it) as NULL. */
export function asValue(column: Column): string {
  const x = ident(column.name);
  return familyOf(column.type) === 'float' ? withoutNaN(x) : x;
}

/**
 * NaN as NULL. Drift leaves NaN out as it leaves out nulls; it must be removed in SQL because
 * DuckDB's histogram() counts in an ordered map compared with `<`, where NaN is equivalent to any
 * key and is counted as whichever value it lands next to.
 */
function withoutNaN(expression: string): string {
  return `CASE WHEN isnan(${expression}) THEN NULL ELSE ${expression} END`;
}

/** The column as text, for sets of values, patterns and lengths. */
export function asText(column: Column): string {
  const x = ident(column.name);
  return familyOf(column.type) === 'string' ? x : `CAST(${x} AS VARCHAR)`;
}

/** A JSON value from DuckDB as it should appear in results for a column of this family. */
export function outputValue(value: JsonValue, family: TypeFamily): JsonValue {
  if (typeof value === 'string' && (family === 'integer' || family === 'decimal')) {
    const n = Number(value);
    if (Number.isFinite(n) && (family === 'decimal' || Number.isSafeInteger(n))) return n;
  }
  return value;
}

/** A value from DuckDB as text: strings as they are, anything else as JSON, null as ''. */
export function toText(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A count or share from DuckDB (BIGINT arrives as a string). */
export function toNumber(value: JsonValue | undefined): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  return 0;
}
