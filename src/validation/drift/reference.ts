// The reference side of drift: which columns to compare, which test each gets, and the bins fixed
// on the reference. Two queries over the reference (statistics; value counts or quantiles), and a
// third only for numeric columns with more than 10,000 distinct values (counts in their bins).

import type { Drift } from '../../spec/schema/validation.ts';
import {
  asDouble,
  asText,
  familyOf,
  isNumeric,
  isTemporal,
  toNumber,
  type Column,
} from '../columns.ts';
import type { Engine, JsonValue, Row } from '../engine.ts';
import type { DriftMethod, DriftSkipped } from '../results.ts';
import {
  binCounts,
  countInto,
  discreteQuantile,
  doubleList,
  equalWidthEdges,
  FINE_BINS,
  pointEdges,
  readHistogram,
  ROBUST_RANGE,
  tailSql,
  tailsOf,
  valueCounts,
} from './bins.ts';

/** Evidently's rule: up to this many reference values is a small sample (KS, chi-squared). */
export const SMALL_SAMPLE = 1000;
/** Numeric columns with at most this many distinct values are compared as categories. */
export const FEW_VALUES = 5;
/** Categories beyond the most frequent ones on the reference share one "other" bin. */
export const MAX_CATEGORIES = 1000;
/** A categorical column with more distinct values than this looks like an identifier: skipped. */
export const MAX_DISTINCT = 10_000;
/** Numeric columns up to this many distinct values are read as exact value counts. */
export const MAX_VALUES = 10_000;
export const DEFAULT_BINS = 10;
export const DEFAULT_SHARE = 0.5;

export const DEFAULT_THRESHOLDS: Record<DriftMethod, number> = {
  ks: 0.05,
  chisquare: 0.05,
  wasserstein: 0.1,
  jensenshannon: 0.1,
  psi: 0.1,
};

/** p-value tests drift below their threshold; distances at or above it. */
export function isPValue(method: DriftMethod): boolean {
  return method === 'ks' || method === 'chisquare';
}

interface Base {
  column: string;
  method: DriftMethod;
  threshold: number;
  /** Non-null reference values. */
  total: number;
}

export type ReferenceColumn =
  | (Base & {
      kind: 'numeric';
      /**
       * Bin upper edges fixed on the reference. KS and Wasserstein: every reference value in a bin
       * of its own (up to 10,000 distinct values; the exact distribution), else 1000 equal-width
       * bins between the 0.1 % and 99.9 % quantiles. Binned tests: the k/bins quantiles.
       */
      edges: number[];
      counts: number[];
      /** Population standard deviation (Wasserstein's normaliser). */
      std: number;
      /** Σ(e0 − x) over reference values below the first edge, Σ(x − ek) above the last. */
      below: number;
      above: number;
      /** The reference was binned (many distinct values): KS's D is then a lower bound. */
      binned: boolean;
    })
  | (Base & { kind: 'categorical'; categories: string[]; counts: number[] });

export interface ReferenceSummary {
  path: string;
  columns: ReferenceColumn[];
  skipped: DriftSkipped[];
  /** The current data's column for each compared column, for the current-side SQL. */
  current: Map<string, Column>;
}

type Pair = { current: Column; reference: Column };

/** Which columns drift compares, and why the others are left out. */
export function driftColumns(
  spec: Drift,
  current: readonly Column[],
  reference: readonly Column[],
): { pairs: Pair[]; skipped: DriftSkipped[] } {
  const skipped: DriftSkipped[] = [];
  const pairs: Pair[] = [];
  const explicit = spec.columns !== undefined;
  const exclude = new Set(spec.exclude ?? []);
  const names = spec.columns ?? current.map((c) => c.name).filter((n) => !exclude.has(n));
  for (const name of names) {
    const cur = current.find((c) => c.name === name);
    const ref = reference.find((c) => c.name === name);
    if (!cur || !ref) {
      skipped.push({
        column: name,
        reason: cur ? 'not in the reference' : 'not in the current data',
      });
      continue;
    }
    const family = familyOf(ref.type);
    if (family === 'other' || family === 'time') {
      skipped.push({ column: name, reason: `${ref.type} values are not compared` });
    } else if (isTemporal(family) && !explicit) {
      skipped.push({
        column: name,
        reason: `${ref.type}: timestamps move by design; list it in drift.columns to compare it`,
      });
    } else {
      pairs.push({ current: cur, reference: ref });
    }
  }
  return { pairs, skipped };
}

interface Decision {
  pair: Pair;
  i: number;
  kind: 'numeric' | 'categorical';
  method: DriftMethod;
  threshold: number;
  total: number;
  distinct: number;
  std: number;
}

function decide(spec: Drift, pair: Pair, i: number, s: Row): Decision {
  const total = toNumber(s[`c${i}`]);
  const distinct = toNumber(s[`d${i}`]);
  const family = familyOf(pair.reference.type);
  const numeric = (isNumeric(family) || isTemporal(family)) && distinct > FEW_VALUES;
  const small = total <= SMALL_SAMPLE;
  const requested = spec.method ?? 'auto';
  let method: DriftMethod;
  if (requested === 'auto') {
    method = numeric ? (small ? 'ks' : 'wasserstein') : small ? 'chisquare' : 'jensenshannon';
  } else if (!numeric && requested === 'ks') {
    method = 'chisquare'; // the test for categories, as KS is for numbers
  } else if (!numeric && requested === 'wasserstein') {
    method = 'jensenshannon'; // the distance for categories, as Wasserstein is for numbers
  } else {
    method = requested;
  }
  return {
    pair,
    i,
    kind: numeric ? 'numeric' : 'categorical',
    method,
    threshold: spec.threshold ?? DEFAULT_THRESHOLDS[method],
    total,
    distinct,
    std: toNumber(s[`sd${i}`]),
  };
}

/** Quantile positions of the binned tests: k / bins. */
function binPositions(bins: number): number[] {
  return Array.from({ length: bins - 1 }, (_, k) => Number(((k + 1) / bins).toFixed(12)));
}

/** Read what drift needs from the reference. */
export async function summarizeReference(
  engine: Engine,
  path: string,
  relation: string,
  spec: Drift,
  current: readonly Column[],
  reference: readonly Column[],
): Promise<ReferenceSummary> {
  const { pairs, skipped } = driftColumns(spec, current, reference);
  const summary: ReferenceSummary = { path, columns: [], skipped, current: new Map() };
  if (pairs.length === 0) return summary;
  const bins = spec.bins ?? DEFAULT_BINS;

  // 1. Counts, distinct values, spread.
  const stats = pairs.flatMap(({ reference: col }, i) => {
    const numeric = isNumeric(familyOf(col.type)) || isTemporal(familyOf(col.type));
    const v = numeric ? asDouble(col) : asText(col);
    return [
      `count(${v}) AS c${i}`,
      `approx_count_distinct(${v}) AS d${i}`,
      ...(numeric ? [`stddev_pop(${v}) AS sd${i}`] : []),
    ];
  });
  const [s = {}] = await engine.all(`SELECT ${stats.join(',\n  ')}\nFROM ${relation}`);
  const decisions: Decision[] = [];
  pairs.forEach((pair, i) => {
    const d = decide(spec, pair, i, s);
    if (d.total === 0)
      skipped.push({ column: pair.reference.name, reason: 'no values in the reference' });
    else if (d.kind === 'categorical' && d.distinct > MAX_DISTINCT)
      skipped.push({
        column: pair.reference.name,
        reason: `about ${d.distinct} distinct values: too many categories to compare (an identifier?); exclude it`,
      });
    else decisions.push(d);
  });
  if (decisions.length === 0) return summary;

  // 2. Value counts (categories, numbers with few distinct values) or the quantiles bins need.
  const many = (d: Decision) => d.kind === 'numeric' && d.distinct > MAX_VALUES;
  const second = decisions.map((d) => {
    const col = d.pair.reference;
    if (d.kind === 'categorical') return `histogram(${asText(col)}) AS h${d.i}`;
    const v = asDouble(col);
    if (!many(d)) return `histogram(${v}) AS h${d.i}`;
    const positions =
      d.method === 'ks' || d.method === 'wasserstein' ? [...ROBUST_RANGE] : binPositions(bins);
    return `quantile_disc(${v}, [${positions.join(', ')}]) AS q${d.i}`;
  });
  const [h = {}] = await engine.all(`SELECT ${second.join(',\n  ')}\nFROM ${relation}`);

  // 3. Counts in fixed bins, for numbers with many distinct values.
  const edges = new Map<number, number[]>();
  for (const d of decisions.filter(many)) {
    const q = (Array.isArray(h[`q${d.i}`]) ? (h[`q${d.i}`] as JsonValue[]) : []).map(toNumber);
    edges.set(
      d.i,
      d.method === 'ks' || d.method === 'wasserstein'
        ? equalWidthEdges(q[0]!, q[1]!, FINE_BINS)
        : [...new Set(q)].sort((a, b) => a - b),
    );
  }
  let third: Row = {};
  if (edges.size > 0) {
    const items = decisions.filter(many).flatMap((d) => {
      const v = asDouble(d.pair.reference);
      const e = edges.get(d.i)!;
      const tails = tailSql(v, e);
      return [
        `histogram(${v}, ${doubleList(e)}) AS b${d.i}`,
        `${tails.below} AS below${d.i}`,
        `${tails.above} AS above${d.i}`,
      ];
    });
    [third = {}] = await engine.all(`SELECT ${items.join(',\n  ')}\nFROM ${relation}`);
  }
  for (const d of decisions) {
    summary.current.set(d.pair.current.name, d.pair.current);
    summary.columns.push(referenceColumn(d, h, third, edges.get(d.i), bins));
  }
  return summary;
}

function referenceColumn(
  d: Decision,
  h: Row,
  third: Row,
  fixed: number[] | undefined,
  bins: number,
): ReferenceColumn {
  const base = {
    column: d.pair.current.name,
    method: d.method,
    threshold: d.threshold,
    total: d.total,
  };
  if (d.kind === 'categorical') {
    const entries = [...readHistogram(h[`h${d.i}`])].sort(
      (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
    );
    const kept = entries.slice(0, MAX_CATEGORIES);
    const other = entries.slice(MAX_CATEGORIES).reduce((n, [, c]) => n + c, 0);
    return {
      ...base,
      kind: 'categorical',
      categories: kept.map(([k]) => k),
      counts: [...kept.map(([, c]) => c), other],
    };
  }
  const numeric = { ...base, kind: 'numeric' as const, std: d.std };
  if (fixed) {
    return {
      ...numeric,
      edges: fixed,
      counts: binCounts(third[`b${d.i}`], fixed),
      below: toNumber(third[`below${d.i}`]),
      above: toNumber(third[`above${d.i}`]),
      binned: true,
    };
  }
  const values = valueCounts(h[`h${d.i}`]);
  const edges =
    d.method === 'ks' || d.method === 'wasserstein'
      ? pointEdges(values.values)
      : [...new Set(binPositions(bins).map((p) => discreteQuantile(values, p)))];
  return {
    ...numeric,
    edges,
    counts: countInto(values, edges),
    ...tailsOf(values, edges),
    binned: false,
  };
}
