// The typed results of data validation: what `data validate --json` prints, what the runner
// stores and what the PR report renders. Plain data, deterministic for the same input.

import type { JsonValue } from './engine.ts';

export type Severity = 'error' | 'warn';

/**
 * pass: held. fail: did not hold, severity error. warn: did not hold, severity warn.
 * error: could not be evaluated because the suite is wrong (a bad regex, a custom query that
 * does not bind); the suite needs fixing.
 */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'error';

export type CheckKind =
  | 'exists'
  | 'type'
  | 'nullable'
  | 'min'
  | 'max'
  | 'in'
  | 'regex'
  | 'length'
  | 'unique'
  | 'rows'
  | 'duplicates'
  | 'freshness'
  | 'references'
  | 'balance'
  | 'sql'
  | 'parse'
  | 'drift';

export interface CheckResult {
  /** Stable within a suite: `columns.Sex.in`, `checks.2.duplicates`, `parse`, `drift`. */
  id: string;
  check: CheckKind;
  /** The column (column checks, freshness, balance) or columns (unique, references). */
  columns?: string[];
  /** The check's `name` in the spec, when it has one. */
  name?: string;
  severity: Severity;
  status: CheckStatus;
  /** What the data showed: a count, a share, a value, a type. */
  observed: JsonValue;
  /** What the spec asks for, in words: "≤ 0.05 null", "in [MALE, FEMALE]". */
  expected: string;
  /** Rows (or values) the check looked at. */
  elementCount?: number;
  /** Rows (or values) that broke the check, and their share of elementCount. */
  unexpectedCount?: number;
  unexpectedShare?: number;
  /** Up to 20 failing values (or rows), in a deterministic order. */
  sample?: JsonValue[];
  /** SQL that returns every failing row, runnable from the repository root. */
  failingRowsSql?: string;
  /** One line for people. */
  message: string;
  /** Where the check is written in the pipeline spec. */
  specPath: (string | number)[];
}

export type DriftMethod = 'ks' | 'wasserstein' | 'chisquare' | 'jensenshannon' | 'psi';

export interface DriftColumn {
  column: string;
  /** numeric: compared as numbers; categorical: compared as values. */
  kind: 'numeric' | 'categorical';
  method: DriftMethod;
  /** What the score is, with units: "p-value", "Wasserstein / reference std", "JS distance (ln)". */
  statistic: string;
  score: number;
  threshold: number;
  drifted: boolean;
  referenceCount: number;
  currentCount: number;
  /** Bins (numeric, fixed on the reference) or categories compared. */
  bins: number;
}

export interface DriftSkipped {
  column: string;
  reason: string;
}

export interface DriftSummary {
  reference: string;
  columns: DriftColumn[];
  skipped: DriftSkipped[];
  driftedColumns: number;
  driftedShare: number;
  /** Dataset drift when driftedShare >= share. */
  share: number;
  datasetDrift: boolean;
}

export interface CsvDialect {
  delimiter: string;
  quote: string;
  escape: string;
  newline: string;
  header: boolean;
  skip: number;
  comment: string;
  encoding: string;
  columns: { name: string; type: string }[];
  dateFormat?: string;
  timestampFormat?: string;
}

export interface SourceInfo {
  path: string;
  format: 'csv' | 'parquet' | 'json' | 'jsonl';
  /** Repository-relative files read, in order. */
  files: string[];
  /** Rows read (not counting rows that did not parse). */
  rows: number;
  columns: { name: string; type: string }[];
  /** CSV only: the dialect used; pin it in the dataset's `csv:` so reruns parse identically. */
  dialect?: CsvDialect;
  /** True when the dialect came from sniffing rather than the spec. */
  sniffed?: boolean;
  /** The relation every failing-rows query reads. */
  relation: string;
}

export type DatasetStatus = 'pass' | 'warn' | 'fail' | 'error';

export interface DatasetResult {
  pipeline: string;
  dataset: string;
  /** Index of the suite in the pipeline's `validation` list. */
  suite: number;
  /** The pipeline spec file, for annotations. */
  specFile: string;
  status: DatasetStatus;
  source?: SourceInfo;
  checks: CheckResult[];
  drift?: DriftSummary;
  /** Statements sent to the engine for this suite. */
  queries: number;
  /**
   * Set when the data could not be read (missing, unreadable, engine: exit 3) or the suite cannot
   * apply to it (suite: exit 2).
   */
  error?: { kind: 'missing' | 'unreadable' | 'engine' | 'suite'; message: string; hint?: string };
  counts: Record<CheckStatus, number>;
}

export interface ValidationReport {
  pipeline: string;
  status: DatasetStatus;
  datasets: DatasetResult[];
}
