// The port between the validation core and the SQL engine. The core compiles suites into SQL and
// evaluates plain rows; only src/validation/duckdb.ts knows DuckDB's API.

/** A value as JSON: BIGINT and HUGEINT arrive as strings, lists as arrays, maps as {key, value}[]. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type Row = Record<string, JsonValue>;

export interface EngineSettings {
  /** Directory relative paths in SQL resolve against (the repository root). */
  root: string;
  threads?: number | undefined;
  /** Bytes, or a DuckDB size such as "1GB". */
  memoryLimit?: number | string | undefined;
  /** Where DuckDB spills intermediate results that do not fit the memory limit. */
  tempDirectory?: string | undefined;
  /** Called after each statement with its SQL and duration (GITOPS_ML_DEBUG=sql). */
  trace?: ((sql: string, ms: number) => void) | undefined;
}

export interface Engine {
  /** Run one statement and return every row. */
  all(sql: string): Promise<Row[]>;
  /** Run statements for their effect. */
  run(sql: string): Promise<void>;
  /**
   * Check that user SQL is exactly one SELECT that binds (throws EngineError kind 'sql' if not),
   * without running it.
   */
  checkSelect(sql: string): Promise<void>;
  /** How many statements ran so far (for "compiled, not looped" reporting). */
  readonly statements: number;
  close(): void;
}

/** What went wrong in a statement, by DuckDB's error class. */
export type EngineErrorKind =
  | 'io' // a file could not be read (missing, permissions, corrupt Parquet)
  | 'input' // the data did not parse (malformed JSON, a CSV the dialect cannot read)
  | 'memory' // the memory limit was reached and spilling could not help
  | 'sql' // the statement is wrong: parser, binder, catalog errors (a bad custom check)
  | 'other';

export class EngineError extends Error {
  readonly kind: EngineErrorKind;
  readonly sql: string;

  constructor(message: string, kind: EngineErrorKind, sql: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'EngineError';
    this.kind = kind;
    this.sql = sql;
  }
}

export function isEngineError(error: unknown): error is EngineError {
  return error instanceof EngineError;
}

/** Map a DuckDB message prefix ("Binder Error: ...") to a kind. */
export function classifyEngineMessage(message: string): EngineErrorKind {
  const head = /^([A-Za-z ]+?) Error:/.exec(message)?.[1] ?? '';
  switch (head) {
    case 'IO':
    case 'Permission':
      return 'io';
    case 'Invalid Input':
    case 'Conversion':
      return 'input';
    case 'Out of Memory':
      return 'memory';
    case 'Parser':
    case 'Binder':
    case 'Catalog':
    case 'Not implemented':
      return 'sql';
    default:
      return 'other';
  }
}

/** The first line of an engine message, without DuckDB's "LINE 1: ..." caret block. */
export function shortEngineMessage(message: string): string {
  const cut = message.split(/\n\s*\nLINE \d+:/)[0] ?? message;
  return cut.trim();
}
