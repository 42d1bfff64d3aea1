// A dataset as a SQL relation: its files, its format, its columns, and for CSV the dialect used
// (sniffed once from the first file, or pinned by the spec) so that every file and every rerun is
// parsed the same way.

import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { InfraError, InputError } from '../errors.ts';
import type { Dataset } from '../spec/schema/validation.ts';
import { toText } from './columns.ts';
import { isEngineError, shortEngineMessage, type Engine, type JsonValue } from './engine.ts';
import { family, formatOf, listDataFiles, type DataFormat } from './files.ts';
import { explainMissing, type Producer } from './missing-data.ts';
import type { CsvDialect, SourceInfo } from './results.ts';
import { list, relativize, str } from './sql.ts';

export interface DatasetInput {
  /** Repository-relative file, directory or glob. */
  path: string;
  format?: DataFormat | undefined;
  csv?: Dataset['csv'];
  /** Columns the suite declares as strings: read as text so codes keep their leading zeros. */
  textColumns?: readonly string[];
}

export interface Source {
  path: string;
  format: SourceInfo['format'];
  files: string[];
  columns: { name: string; type: string }[];
  /** The relation for the pass that records rows that do not parse (CSV: store_rejects). */
  scan: string;
  /** The relation for every other query, and for printed SQL: it skips rows that do not parse. */
  relation: string;
  dialect?: CsvDialect;
  sniffed?: boolean;
  /** CSV: where the scan records its rejects. */
  rejects?: { errors: string; scans: string };
  /** JSON: objects that did not parse (counted while reading the structure). */
  malformed?: number;
}

export interface OpenOptions {
  cacheDir?: string | undefined;
  producers?: readonly Producer[];
  /** A path nothing tracks or produces is a mistake in the input (exit 2), not missing data. */
  strictPaths?: boolean;
}

/** The data could not be read: missing from the workspace, or unreadable. Exit 3. */
export class DataUnavailableError extends InfraError {
  readonly reason: 'missing' | 'unreadable';

  constructor(
    reason: 'missing' | 'unreadable',
    message: string,
    options: { cause?: unknown; hint?: string },
  ) {
    super(message, options);
    this.reason = reason;
  }
}

/** Resolve a dataset to its files and a relation DuckDB can scan. */
export async function openSource(
  engine: Engine,
  root: string,
  input: DatasetInput,
  options: OpenOptions = {},
): Promise<Source> {
  const files = listDataFiles(root, input.path, input.format);
  if (files.length === 0) {
    const missing = explainMissing(root, input.path, options);
    if (!missing.expected && options.strictPaths)
      throw new InputError(missing.message, { hint: missing.hint });
    throw new DataUnavailableError('missing', missing.message, { hint: missing.hint });
  }
  const families = new Set(files.map((f) => family(input.format ?? formatOf(f))));
  if (families.size > 1 || families.has(undefined)) {
    throw new InputError(
      `${input.path}: cannot tell the format of ${files.length === 1 ? files[0] : 'its files'} (${[...families].map((f) => f ?? 'unknown').join(', ')})`,
      { hint: 'set `format:` on the dataset (csv, tsv, parquet, json or jsonl)' },
    );
  }
  const format = input.format ?? formatOf(files[0]!)!;
  // SQL names files by absolute path (DuckDB checks access before resolving relative paths);
  // results print them relative to the repository again (displaySql).
  const paths = files.map((f) => join(root, f));
  try {
    if (format === 'csv' || format === 'tsv')
      return await openCsv(engine, input, files, paths, format);
    if (format === 'parquet') return await openParquet(engine, input.path, files, paths);
    return await openJson(engine, input.path, files, paths, format);
  } catch (error) {
    if (isEngineError(error) && error.kind !== 'sql') {
      throw new DataUnavailableError(
        'unreadable',
        `cannot read ${input.path}: ${relativize(root, shortEngineMessage(error.message))}`,
        {
          cause: error,
          hint: `check that ${files.length === 1 ? 'the file' : 'every file'} is ${format} (set \`format:\` on the dataset otherwise)`,
        },
      );
    }
    throw error;
  }
}

function fileList(files: readonly string[]): string {
  return list(files.map(str));
}

async function describe(
  engine: Engine,
  relation: string,
): Promise<{ name: string; type: string }[]> {
  const rows = await engine.all(`DESCRIBE SELECT * FROM ${relation}`);
  return rows.map((r) => ({ name: toText(r.column_name), type: toText(r.column_type) }));
}

async function openParquet(
  engine: Engine,
  path: string,
  files: string[],
  paths: string[],
): Promise<Source> {
  const relation = `read_parquet(${fileList(paths)}, union_by_name = true)`;
  return {
    path,
    format: 'parquet',
    files,
    columns: await describe(engine, relation),
    scan: relation,
    relation,
  };
}

/** DuckDB prints an unset dialect character as "(empty)". */
function dialectChar(value: JsonValue | undefined): string {
  return typeof value === 'string' && value !== '(empty)' ? value : '';
}

async function sniffCsv(
  engine: Engine,
  file: string,
  pinned: Dataset['csv'],
  format: 'csv' | 'tsv',
): Promise<CsvDialect> {
  const args = [str(file), 'ignore_errors = true'];
  const delimiter = pinned?.delimiter ?? (format === 'tsv' ? '\t' : undefined);
  if (delimiter !== undefined) args.push(`delim = ${str(delimiter)}`);
  if (pinned?.quote !== undefined) args.push(`quote = ${str(pinned.quote)}`);
  if (pinned?.escape !== undefined) args.push(`escape = ${str(pinned.escape)}`);
  if (pinned?.header !== undefined) args.push(`header = ${pinned.header}`);
  if (pinned?.skip !== undefined) args.push(`skip = ${pinned.skip}`);
  if (pinned?.comment !== undefined) args.push(`comment = ${str(pinned.comment)}`);
  if (pinned?.encoding !== undefined) args.push(`encoding = ${str(pinned.encoding)}`);
  const [row] = await engine.all(`SELECT * FROM sniff_csv(${args.join(', ')})`);
  if (!row) throw new InfraError(`DuckDB could not sniff ${file}`);
  const columns = Array.isArray(row.Columns)
    ? row.Columns.map((c) => {
        const col = c as { name?: JsonValue; type?: JsonValue };
        return { name: toText(col.name), type: toText(col.type) };
      })
    : [];
  const dialect: CsvDialect = {
    delimiter: dialectChar(row.Delimiter),
    quote: dialectChar(row.Quote),
    escape: dialectChar(row.Escape),
    newline: dialectChar(row.NewLineDelimiter),
    header: row.HasHeader === true,
    skip: Number(row.SkipRows ?? 0),
    comment: dialectChar(row.Comment),
    encoding: pinned?.encoding ?? 'utf-8',
    columns,
  };
  if (typeof row.DateFormat === 'string' && row.DateFormat !== '')
    dialect.dateFormat = row.DateFormat;
  if (typeof row.TimestampFormat === 'string' && row.TimestampFormat !== '')
    dialect.timestampFormat = row.TimestampFormat;
  return dialect;
}

/** The dialect to read with: everything the spec pins, the rest from the sniffer. */
export function pinDialect(
  sniffed: CsvDialect | undefined,
  pinned: Dataset['csv'],
  textColumns: readonly string[] = [],
): CsvDialect {
  const base: CsvDialect = sniffed ?? {
    delimiter: ',',
    quote: '"',
    escape: '"',
    newline: '',
    header: true,
    skip: 0,
    comment: '',
    encoding: 'utf-8',
    columns: [],
  };
  const dialect: CsvDialect = {
    ...base,
    ...(pinned?.delimiter !== undefined && { delimiter: pinned.delimiter }),
    ...(pinned?.quote !== undefined && { quote: pinned.quote }),
    ...(pinned?.escape !== undefined && { escape: pinned.escape }),
    ...(pinned?.header !== undefined && { header: pinned.header }),
    ...(pinned?.skip !== undefined && { skip: pinned.skip }),
    ...(pinned?.comment !== undefined && { comment: pinned.comment }),
    ...(pinned?.encoding !== undefined && { encoding: pinned.encoding }),
    ...(pinned?.dateFormat !== undefined && { dateFormat: pinned.dateFormat }),
    ...(pinned?.timestampFormat !== undefined && { timestampFormat: pinned.timestampFormat }),
  };
  if (pinned?.columns) {
    dialect.columns = Object.entries(pinned.columns).map(([name, type]) => ({ name, type }));
  } else {
    const text = new Set(textColumns);
    dialect.columns = dialect.columns.map((c) =>
      text.has(c.name) ? { ...c, type: 'VARCHAR' } : c,
    );
  }
  return dialect;
}

/** True when the spec pins everything a read needs, so no sniffing happens. */
function fullyPinned(pinned: Dataset['csv']): boolean {
  return (
    pinned?.columns !== undefined &&
    pinned.delimiter !== undefined &&
    pinned.header !== undefined &&
    pinned.quote !== undefined
  );
}

/** The read_csv call for a pinned dialect. */
export function readCsvSql(files: readonly string[], d: CsvDialect, extra: string): string {
  const columns = `{${d.columns.map((c) => `${str(c.name)}: ${str(c.type)}`).join(', ')}}`;
  const args = [
    fileList(files),
    'auto_detect = false',
    `delim = ${str(d.delimiter)}`,
    `quote = ${str(d.quote)}`,
    `escape = ${str(d.escape)}`,
    ...(d.newline ? [`new_line = ${str(d.newline)}`] : []),
    `header = ${d.header}`,
    `skip = ${d.skip}`,
    `comment = ${str(d.comment)}`,
    `encoding = ${str(d.encoding)}`,
    `columns = ${columns}`,
    ...(d.dateFormat ? [`dateformat = ${str(d.dateFormat)}`] : []),
    ...(d.timestampFormat ? [`timestampformat = ${str(d.timestampFormat)}`] : []),
    extra,
  ];
  return `read_csv(${args.join(', ')})`;
}

async function openCsv(
  engine: Engine,
  input: DatasetInput,
  files: string[],
  paths: string[],
  format: 'csv' | 'tsv',
): Promise<Source> {
  const pinnedAll = fullyPinned(input.csv);
  const sniffed = pinnedAll ? undefined : await sniffCsv(engine, paths[0]!, input.csv, format);
  const dialect = pinDialect(sniffed, input.csv, input.textColumns);
  if (dialect.columns.length === 0) {
    throw new DataUnavailableError('unreadable', `cannot read ${input.path}: no columns found`, {
      hint: 'check that the file is a CSV file with a header, or pin `csv: {columns: ...}`',
    });
  }
  const id = randomUUID().replace(/-/g, '').slice(0, 12);
  const rejects = { errors: `gitops_rejects_${id}`, scans: `gitops_scans_${id}` };
  return {
    path: input.path,
    format: 'csv',
    files,
    columns: dialect.columns,
    scan: readCsvSql(
      paths,
      dialect,
      `store_rejects = true, rejects_table = ${str(rejects.errors)}, rejects_scan = ${str(rejects.scans)}`,
    ),
    // Wrapped so that every column is read (with the unused_columns optimizer off): a row that
    // fails in a column a query does not name is skipped all the same, as in the main pass.
    relation: `(SELECT * FROM ${readCsvSql(paths, dialect, 'ignore_errors = true')})`,
    dialect,
    sniffed: !pinnedAll,
    rejects,
  };
}

/** Top-level JSON structure types as column types: mixed or nested values are kept as JSON text. */
function jsonColumnType(type: unknown): string {
  if (typeof type !== 'string') return 'JSON';
  if (type === 'NULL' || type === 'JSON') return 'VARCHAR';
  return type;
}

/** A JSON value that is a row: an object (anything else, or text that did not parse, is rejected). */
const IS_OBJECT = `coalesce(json_type(json) = 'OBJECT', false)`;

async function openJson(
  engine: Engine,
  path: string,
  files: string[],
  paths: string[],
  format: 'json' | 'jsonl',
): Promise<Source> {
  const objects = `read_json_objects(${fileList(paths)}, format = ${str(format === 'jsonl' ? 'newline_delimited' : 'auto')}, ignore_errors = true)`;
  const [row] = await engine.all(
    `SELECT json_group_structure(CASE WHEN ${IS_OBJECT} THEN json END) AS structure, count(*) FILTER (WHERE NOT ${IS_OBJECT}) AS malformed FROM ${objects}`,
  );
  const structure: unknown =
    typeof row?.structure === 'string' ? JSON.parse(row.structure) : undefined;
  if (structure === null || typeof structure !== 'object' || Array.isArray(structure)) {
    throw new DataUnavailableError(
      'unreadable',
      `cannot read ${path}: expected JSON objects (one per row), found ${structure === undefined ? 'no objects' : JSON.stringify(structure).slice(0, 60)}`,
      { hint: 'a JSON dataset is an array of objects, or one object per line (jsonl)' },
    );
  }
  const columns = Object.entries(structure).map(([name, type]) => ({
    name,
    type: jsonColumnType(type),
  }));
  const target = `{${columns.map((c) => `${JSON.stringify(c.name)}: ${JSON.stringify(c.type)}`).join(', ')}}`;
  const relation = `(SELECT unnest(json_transform(json, ${str(target)})) FROM ${objects} WHERE ${IS_OBJECT})`;
  return {
    path,
    format: format === 'jsonl' ? 'jsonl' : 'json',
    files,
    columns,
    scan: relation,
    relation,
    malformed: Number(row?.malformed ?? 0),
  };
}
