// A starter suite from a profile, with Deequ's suggestion rules: complete columns stay complete,
// others keep their null share, numbers keep their range (non-negative stays non-negative), a few
// categories become an allowed set, nearly distinct columns become unique. It describes one sample
// of the data, not what is valid: every line is for review.

import { Document, isMap, isPair, isSeq, type Node as YamlNode } from 'yaml';
import type { ColumnCheck, ValidationSuite } from '../spec/schema/validation.ts';
import { familyOf } from './columns.ts';
import type { ColumnProfile, Profile } from './profile.ts';
import type { CsvDialect } from './results.ts';

/** At most this many distinct values make an allowed set. */
const MAX_SET = 20;
/** Deequ's UniqueIfApproximatelyUnique: |1 − distinct / rows| ≤ 0.08 (HyperLogLog is ±2 % or so). */
const UNIQUE_TOLERANCE = 0.08;

function roundUpShare(share: number): number {
  // Keep headroom: twice the share seen, at least 1 %, in whole percent.
  return Math.min(1, Math.max(0.01, Math.ceil(share * 200) / 100));
}

function declaredType(c: ColumnProfile): ColumnCheck['type'] {
  const family = familyOf(c.type);
  if (family === 'integer') return 'integer';
  if (family === 'float' || family === 'decimal') return 'number';
  if (family === 'boolean') return 'boolean';
  if (family === 'date') return 'date';
  if (family === 'timestamp') return 'timestamp';
  return family === 'string' ? 'string' : undefined;
}

export function suggestColumn(c: ColumnProfile, rows: number): ColumnCheck {
  const check: ColumnCheck = {};
  const type = declaredType(c);
  if (type) check.type = type;
  check.nullable = c.nulls === 0 ? false : roundUpShare(c.nullShare);
  if (c.kind === 'numeric' && typeof c.min === 'number' && typeof c.max === 'number') {
    check.min = c.min >= 0 ? 0 : c.min;
    check.max = c.max;
  }
  if (c.kind === 'temporal' && typeof c.min === 'string') check.min = c.min;
  const listed = (c.top ?? []).reduce((n, t) => n + t.count, 0);
  if (
    c.kind === 'categorical' &&
    c.top &&
    c.top.length <= MAX_SET &&
    c.distinct <= MAX_SET &&
    listed === c.count &&
    c.count > c.top.length
  ) {
    check.in = c.top.map((t) => t.value).sort();
  } else if (c.kind === 'categorical' && c.length && c.length.min === c.length.max && c.count > 0) {
    check.length = c.length.min;
  }
  // Nearly every value distinct, in a column that can be a key (text or whole numbers).
  const keyLike = c.kind === 'categorical' || familyOf(c.type) === 'integer';
  if (
    keyLike &&
    c.count === rows &&
    rows > MAX_SET &&
    Math.abs(1 - c.distinct / rows) <= UNIQUE_TOLERANCE
  ) {
    check.unique = true;
  }
  return check;
}

export function suggestSuite(profile: Profile, dataset: string): ValidationSuite {
  return {
    dataset,
    columns: Object.fromEntries(
      profile.columns.map((c) => [c.name, suggestColumn(c, profile.rows)]),
    ),
    checks: [
      { rows: { min: Math.max(1, Math.floor(profile.rows / 2)) } },
      { duplicates: { max: 0 } },
    ],
  };
}

function pinnedCsv(d: CsvDialect): Record<string, unknown> {
  return {
    delimiter: d.delimiter,
    quote: d.quote,
    escape: d.escape,
    header: d.header,
    ...(d.skip ? { skip: d.skip } : {}),
    ...(d.comment ? { comment: d.comment } : {}),
    ...(d.encoding !== 'utf-8' ? { encoding: d.encoding } : {}),
    ...(d.dateFormat ? { dateFormat: d.dateFormat } : {}),
    ...(d.timestampFormat ? { timestampFormat: d.timestampFormat } : {}),
    columns: Object.fromEntries(d.columns.map((c) => [c.name, c.type])),
  };
}

/** Write each entry of the collection at `path` in flow style: one line per column or check. */
function flowItems(doc: Document, path: (string | number)[]): void {
  const node = doc.getIn(path, true);
  if (!isMap(node) && !isSeq(node)) return;
  for (const item of node.items) {
    const value = (isPair(item) ? item.value : item) as YamlNode | null;
    if (isMap(value) || isSeq(value)) value.flow = true;
  }
}

/** The `datasets:` entry and `validation:` suite to paste into a pipeline spec, as YAML. */
export function suggestYaml(profile: Profile, dataset: string): string {
  const spec = {
    datasets: {
      [dataset]: {
        path: profile.path,
        ...(profile.format !== 'csv' ? { format: profile.format } : {}),
        ...(profile.dialect ? { csv: pinnedCsv(profile.dialect) } : {}),
      },
    },
    validation: [suggestSuite(profile, dataset)],
  };
  const doc = new Document(spec);
  // Column checks and dataset checks read best one per line: `name: {type: ..., min: ...}`.
  flowItems(doc, ['validation', 0, 'columns']);
  flowItems(doc, ['validation', 0, 'checks']);
  doc.commentBefore =
    ` Starter suite from \`gitops-ml data profile --suggest\` on ${profile.path} (${profile.rows} rows).\n` +
    ' It describes this sample, not what is valid: review every bound before trusting it.\n' +
    ` To catch drift later, add under the suite: drift: {reference: <a committed copy of this data>}`;
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
