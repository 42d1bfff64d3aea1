// Rows that did not parse: counted by DuckDB (CSV rejects tables, JSON objects that fail), the
// first ones located by physical line number in their file (DuckDB counts records, which differs
// from lines when a quoted field spans lines).

import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { toNumber, toText } from './columns.ts';
import type { Engine, JsonValue } from './engine.ts';
import { SAMPLE_SIZE } from './plan.ts';
import type { Source } from './source.ts';

export interface Reject {
  file: string;
  line: number;
  error: string;
  column?: string;
  message: string;
  text: string;
}

export interface ParseReport {
  /** Rows (records, or JSON objects) skipped because they did not parse. */
  rejected: number;
  /** Rows by kind of error (a row with two kinds counts in both). */
  byError: Record<string, number>;
  first: Reject[];
}

const MAX_TEXT = 200;

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

/** 1-based line numbers of byte offsets in a file, by counting newlines up to the last offset. */
export async function lineNumbersAt(
  path: string,
  offsets: readonly number[],
): Promise<Map<number, number>> {
  const wanted = [...new Set(offsets)].sort((a, b) => a - b);
  const found = new Map<number, number>();
  if (wanted.length === 0) return found;
  let line = 1;
  let position = 0;
  let next = 0;
  const stream = createReadStream(path, { end: wanted[wanted.length - 1] });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    // From newline to newline: the offsets up to and including a newline are on the current line.
    for (let i = 0; i < chunk.length;) {
      const newline = chunk.indexOf(10, i);
      const last = position + (newline === -1 ? chunk.length - 1 : newline);
      while (next < wanted.length && wanted[next]! <= last) found.set(wanted[next++]!, line);
      if (newline === -1) break;
      line++;
      i = newline + 1;
    }
    position += chunk.length;
  }
  while (next < wanted.length) found.set(wanted[next++]!, line);
  return found;
}

/** What the CSV scan of the main pass recorded in its rejects tables. */
export async function csvRejects(
  engine: Engine,
  root: string,
  source: Source,
): Promise<ParseReport> {
  const { errors, scans } = source.rejects!;
  const counts = await engine.all(
    `SELECT error_type, count(DISTINCT (file_id, line)) AS rows FROM ${errors} GROUP BY GROUPING SETS ((), (error_type)) ORDER BY error_type NULLS FIRST`,
  );
  const byError: Record<string, number> = {};
  let rejected = 0;
  for (const r of counts) {
    if (r.error_type === null) rejected = toNumber(r.rows);
    else byError[toText(r.error_type)] = toNumber(r.rows);
  }
  if (rejected === 0) return { rejected, byError, first: [] };
  const rows = await engine.all(
    `SELECT s.file_path, e.line, e.line_byte_position, e.error_type, e.column_name, e.error_message, e.csv_line
FROM ${errors} e JOIN ${scans} s ON e.scan_id = s.scan_id AND e.file_id = s.file_id
QUALIFY row_number() OVER (PARTITION BY e.file_id, e.line ORDER BY e.column_idx) = 1
ORDER BY e.file_id, e.line LIMIT ${SAMPLE_SIZE}`,
  );
  const byFile = new Map<string, number[]>();
  for (const r of rows) {
    const file = relativeFile(root, toText(r.file_path), source.files);
    byFile.set(file, [...(byFile.get(file) ?? []), toNumber(r.line_byte_position)]);
  }
  const lines = new Map<string, Map<number, number>>();
  for (const [file, offsets] of byFile) {
    if (/\.(gz|zst)$/.test(file)) continue;
    lines.set(file, await lineNumbersAt(join(root, file), offsets));
  }
  const first = rows.map((r): Reject => {
    const file = relativeFile(root, toText(r.file_path), source.files);
    const line = lines.get(file)?.get(toNumber(r.line_byte_position)) ?? toNumber(r.line);
    return {
      file,
      line,
      error: toText(r.error_type),
      ...(typeof r.column_name === 'string' && { column: r.column_name }),
      message: toText(r.error_message),
      text: clip(toText(r.csv_line)),
    };
  });
  // Sorted by file order in the dataset, then by line.
  first.sort(
    (a, b) => source.files.indexOf(a.file) - source.files.indexOf(b.file) || a.line - b.line,
  );
  return { rejected, byError, first };
}

function relativeFile(root: string, path: string, files: readonly string[]): string {
  const prefix = root.endsWith('/') ? root : `${root}/`;
  const rel = path.startsWith(prefix) ? path.slice(prefix.length) : path;
  return files.find((f) => f === rel || path.endsWith(`/${f}`)) ?? rel;
}

/** JSON objects that did not parse: DuckDB's count; lines found by reading jsonl files. */
export async function jsonRejects(root: string, source: Source): Promise<ParseReport> {
  const rejected = source.malformed ?? 0;
  const byError: Record<string, number> = rejected > 0 ? { 'MALFORMED JSON': rejected } : {};
  const first: Reject[] = [];
  if (rejected === 0 || source.format !== 'jsonl') return { rejected, byError, first };
  for (const file of source.files) {
    if (first.length >= SAMPLE_SIZE || /\.(gz|zst)$/.test(file)) break;
    const lines = createInterface({
      input: createReadStream(join(root, file)),
      crlfDelay: Infinity,
    });
    let n = 0;
    for await (const text of lines) {
      n++;
      if (text.trim() === '') continue;
      const problem = jsonProblem(text);
      if (problem === undefined) continue;
      first.push({ file, line: n, error: 'MALFORMED JSON', message: problem, text: clip(text) });
      if (first.length >= SAMPLE_SIZE) {
        lines.close();
        break;
      }
    }
  }
  return { rejected, byError, first };
}

function jsonProblem(text: string): string | undefined {
  try {
    const value = JSON.parse(text) as JsonValue;
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? undefined
      : 'not a JSON object';
  } catch (error) {
    return (error as Error).message;
  }
}
