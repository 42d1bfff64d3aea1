import { posix } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { isFloatSource } from '../python.ts';
import { PyFloat, type PyValue } from './pyvalue.ts';
import { splitCsvLine } from './csv.ts';
import type { FileState } from './diff.ts';

export type ReadResult = { ok: true; value: PyValue } | { ok: false; error: string };

/**
 * Read a metrics or params file: JSON or YAML (JSON is YAML 1.2), or CSV/TSV. Numbers keep
 * Python's int/float distinction (`1.0` stays a float) so diffs print as DVC prints them.
 */
export function readValues(path: string, text: string): ReadResult {
  const ext = posix.extname(path).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') return readTable(text, ext === '.tsv' ? '\t' : ',');
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    return { ok: false, error: `${path}: ${e.message.split('\n')[0]!}` };
  }
  try {
    return { ok: true, value: toPy(doc.contents) };
  } catch (error) {
    return {
      ok: false,
      error: `${path}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

function toPy(node: unknown, depth = 0): PyValue {
  if (depth > 64) throw new Error('nested too deeply');
  if (node === null || node === undefined) return null;
  if (isMap(node)) {
    const out: { [key: string]: PyValue } = {};
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      out[key] = toPy(pair.value, depth + 1);
    }
    return out;
  }
  if (isSeq(node)) return node.items.map((item) => toPy(item, depth + 1));
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'number') {
      return Number.isInteger(v) && isFloatSource(node.source ?? '') ? new PyFloat(v) : v;
    }
    if (typeof v === 'string' || typeof v === 'boolean' || v === null) return v;
    // Other YAML scalars (binary, timestamps with custom tags) are compared as their text.
    return node.source ?? JSON.stringify(v);
  }
  throw new Error(`unsupported YAML node ${(node as YamlNode).constructor.name}`);
}

/** A number as a CSV cell holds it, or the text. */
function cell(text: string): PyValue {
  const t = text.trim();
  if (/^[-+]?\d+$/.test(t)) return Number(t);
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) {
    const n = Number(t);
    return Number.isInteger(n) ? new PyFloat(n) : n;
  }
  return t;
}

/**
 * CSV/TSV metrics: a two-column `name,value` table becomes a mapping; otherwise the header names
 * the metrics and the last row holds their values (a training log's final epoch).
 */
function readTable(text: string, sep: string): ReadResult {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) return { ok: false, error: 'a metrics table needs a header and a row' };
  const header = splitCsvLine(lines[0]!, sep).map((h) => h.trim());
  const rows = lines.slice(1).map((l) => splitCsvLine(l, sep));
  const keyed =
    header.length === 2 && /^(name|metric|key)$/i.test(header[0]!) && /^value$/i.test(header[1]!);
  if (keyed)
    return {
      ok: true,
      value: Object.fromEntries(rows.map((r) => [r[0]!.trim(), cell(r[1] ?? '')])),
    };
  const last = rows.at(-1)!;
  return { ok: true, value: Object.fromEntries(header.map((h, i) => [h, cell(last[i] ?? '')])) };
}

/** A metrics or params file as a snapshot holds it: its values, or why they could not be read. */
export function fileState(path: string, text: string): FileState {
  const read = readValues(path, text);
  return read.ok ? { data: read.value } : { error: read.error };
}
