// Profiles: what a dataset looks like, per column, in two scans whatever the number of columns.
// Deterministic, so a profile committed as a baseline only changes when the data does: distinct
// counts are HyperLogLog estimates (order-independent), quantiles are read from a 1000-bin
// histogram (exact counts), and floating-point means are rounded to 10 significant digits.

import {
  asNumber,
  asValue,
  familyOf,
  isNumeric,
  isTemporal,
  outputValue,
  toNumber,
  toText,
  type Column,
  type TypeFamily,
} from './columns.ts';
import { binCounts, doubleList } from './drift/bins.ts';
import { stable } from './drift/stats.ts';
import type { Engine, JsonValue, Row } from './engine.ts';
import { csvRejects } from './rejects.ts';
import type { CsvDialect } from './results.ts';
import type { Source } from './source.ts';

export const QUANTILES = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99] as const;
const FINE_BINS = 1000;
const DISPLAY_BINS = 20;
const TOP_VALUES = 10;
/** Top values are counted exactly for columns with at most this many distinct values. */
const MAX_TOP_DISTINCT = 10_000;

export type ColumnKind = 'numeric' | 'categorical' | 'boolean' | 'temporal' | 'other';

export interface ColumnProfile {
  name: string;
  type: string;
  kind: ColumnKind;
  /** Non-null values. */
  count: number;
  nulls: number;
  nullShare: number;
  /** Distinct non-null values (HyperLogLog estimate, about ±2%). */
  distinct: number;
  min?: JsonValue;
  max?: JsonValue;
  mean?: number;
  std?: number;
  /** p01 … p99, interpolated in 1000 equal-width bins (error ≤ (max − min) / 1000). */
  quantiles?: Record<string, number>;
  /** Shortest and longest text. */
  length?: { min: number; max: number };
  /** Most frequent values (exact counts), when the column has at most 10,000 distinct values. */
  top?: { value: string; count: number }[];
  /** 20 equal-width bins from min to max: `edges` has one more entry than `counts`. */
  histogram?: { edges: number[]; counts: number[] };
}

export interface Profile {
  path: string;
  format: Source['format'];
  files: string[];
  rows: number;
  /** Rows (or JSON objects) that did not parse and were left out. */
  rejected: number;
  dialect?: CsvDialect;
  columns: ColumnProfile[];
}

function kindOf(family: TypeFamily): ColumnKind {
  if (isNumeric(family)) return 'numeric';
  if (family === 'string') return 'categorical';
  if (family === 'boolean') return 'boolean';
  if (isTemporal(family)) return 'temporal';
  return 'other';
}

function fineEdges(min: number, max: number): number[] {
  if (!(max > min)) return [min];
  const edges: number[] = [];
  for (let k = 1; k < FINE_BINS; k++) edges.push(min + ((max - min) * k) / FINE_BINS);
  edges.push(max);
  return edges;
}

/** Quantile p of a distribution given as counts in [points[i], points[i+1]], spread evenly. */
function binnedQuantile(points: readonly number[], counts: readonly number[], p: number): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const target = p * total;
  let running = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (c > 0 && running + c >= target) {
      const within = (target - running) / c;
      return points[i]! + within * (points[i + 1]! - points[i]!);
    }
    running += c;
  }
  return points[points.length - 1]!;
}

/** Profile every column of a source. */
export async function profileSource(
  engine: Engine,
  root: string,
  source: Source,
): Promise<Profile> {
  const cols = source.columns;
  const first = cols.flatMap((c, i) => {
    // NaN is a missing value here (as pandas reads it): left out of every statistic.
    const x = asValue(c);
    const family = familyOf(c.type);
    const items = [`count(${x}) AS c${i}`, `approx_count_distinct(${x}) AS d${i}`];
    if (family !== 'other') items.push(`min(${x}) AS lo${i}`, `max(${x}) AS hi${i}`);
    if (isNumeric(family)) {
      const v = asNumber(c);
      items.push(
        `avg(${v}) AS mean${i}`,
        `stddev_samp(${v}) AS sd${i}`,
        `min(${v}) AS vlo${i}`,
        `max(${v}) AS vhi${i}`,
      );
    }
    if (family === 'string')
      items.push(`min(length(${x})) AS len_lo${i}`, `max(length(${x})) AS len_hi${i}`);
    return items;
  });
  const [s = {}] = await engine.all(
    `SELECT count(*) AS n, ${first.join(', ')} FROM ${source.scan}`,
  );
  const rows = toNumber(s.n);
  const second = cols.flatMap((c, i) => {
    const family = familyOf(c.type);
    const items: string[] = [];
    if (isNumeric(family) && s[`vlo${i}`] !== null && s[`vlo${i}`] !== undefined) {
      items.push(
        `histogram(${asNumber(c)}, ${doubleList(fineEdges(toNumber(s[`vlo${i}`]), toNumber(s[`vhi${i}`])))}) AS h${i}`,
      );
    }
    if (toNumber(s[`d${i}`]) <= MAX_TOP_DISTINCT && family !== 'other') {
      items.push(`histogram(CAST(${asValue(c)} AS VARCHAR)) AS t${i}`);
    }
    return items;
  });
  const [h = {}] =
    second.length > 0
      ? await engine.all(`SELECT ${second.join(', ')} FROM ${source.relation}`)
      : [{}];
  const rejected =
    source.format === 'csv'
      ? (await csvRejects(engine, root, source)).rejected
      : (source.malformed ?? 0);
  return {
    path: source.path,
    format: source.format,
    files: source.files,
    rows,
    rejected,
    ...(source.dialect && { dialect: source.dialect }),
    columns: cols.map((c, i) => columnProfile(c, i, rows, s, h)),
  };
}

function columnProfile(c: Column, i: number, rows: number, s: Row, h: Row): ColumnProfile {
  const family = familyOf(c.type);
  const count = toNumber(s[`c${i}`]);
  const profile: ColumnProfile = {
    name: c.name,
    type: c.type,
    kind: kindOf(family),
    count,
    nulls: rows - count,
    nullShare: rows > 0 ? stable((rows - count) / rows) : 0,
    distinct: toNumber(s[`d${i}`]),
  };
  if (count > 0 && family !== 'other') {
    profile.min = outputValue(s[`lo${i}`] ?? null, family);
    profile.max = outputValue(s[`hi${i}`] ?? null, family);
  }
  if (isNumeric(family) && count > 0) {
    profile.mean = stable(toNumber(s[`mean${i}`]));
    profile.std = stable(toNumber(s[`sd${i}`] ?? 0));
    const lo = toNumber(s[`vlo${i}`]);
    const hi = toNumber(s[`vhi${i}`]);
    const edges = fineEdges(lo, hi);
    // The last fine bin ends at max, so the overflow bin is always empty.
    const counts = binCounts(h[`h${i}`], edges).slice(0, edges.length);
    const points = [lo, ...edges];
    profile.quantiles = Object.fromEntries(
      QUANTILES.map((p) => [
        `p${String(Math.round(p * 100)).padStart(2, '0')}`,
        stable(binnedQuantile(points, counts, p)),
      ]),
    );
    profile.histogram = displayHistogram(lo, hi, counts);
  }
  if (family === 'string' && count > 0) {
    profile.length = { min: toNumber(s[`len_lo${i}`]), max: toNumber(s[`len_hi${i}`]) };
  }
  const top = h[`t${i}`];
  if (Array.isArray(top)) {
    profile.top = top
      .map((e) => {
        const entry = e as { key?: JsonValue; value?: JsonValue };
        return { value: toText(entry.key), count: toNumber(entry.value) };
      })
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
      .slice(0, TOP_VALUES);
  }
  return profile;
}

/** 20 equal-width bins, summed from the 1000 fine ones. */
function displayHistogram(
  lo: number,
  hi: number,
  fine: readonly number[],
): { edges: number[]; counts: number[] } {
  if (fine.length === 1) return { edges: [lo, hi], counts: [fine[0]!] };
  const per = FINE_BINS / DISPLAY_BINS;
  const counts: number[] = [];
  for (let b = 0; b < DISPLAY_BINS; b++)
    counts.push(fine.slice(b * per, (b + 1) * per).reduce((a, x) => a + x, 0));
  const edges = Array.from({ length: DISPLAY_BINS + 1 }, (_, k) =>
    stable(lo + ((hi - lo) * k) / DISPLAY_BINS),
  );
  return { edges, counts };
}
