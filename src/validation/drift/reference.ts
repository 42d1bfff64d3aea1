// The reference side of drift: which columns to compare, which test each gets, and the bins fixed
// on the reference, from one pass over the reference.

import type { Drift } from '../../spec/schema/validation.ts';
import { driftValue, familyOf, isNumeric, isTemporal, type Column } from '../columns.ts';
import type { Engine } from '../engine.ts';
import type { DriftMethod, DriftSkipped } from '../results.ts';
import {
  countInto,
  discreteQuantile,
  equalWidthEdges,
  FINE_BINS,
  pointEdges,
  readHistogram,
  ROBUST_RANGE,
  tailsOf,
  valueCounts,
  type ValueCounts,
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
  kind: 'numeric' | 'categorical';
  method: DriftMethod;
  threshold: number;
  total: number;
  distinct: number;
}

function decide(spec: Drift, pair: Pair, total: number, distinct: number): Decision {
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
    kind: numeric ? 'numeric' : 'categorical',
    method,
    threshold: spec.threshold ?? DEFAULT_THRESHOLDS[method],
    total,
    distinct,
  };
}

/** Quantile positions of the binned tests: k / bins. */
function binPositions(bins: number): number[] {
  return Array.from({ length: bins - 1 }, (_, k) => (k + 1) / bins);
}

/** Population standard deviation of a distribution given by value counts. */
function populationStd(d: ValueCounts): number {
  const n = d.counts.reduce((a, b) => a + b, 0);
  const mean = d.values.reduce((a, v, i) => a + v * d.counts[i]!, 0) / n;
  const variance = d.values.reduce((a, v, i) => a + (v - mean) ** 2 * d.counts[i]!, 0) / n;
  return Math.sqrt(variance);
}

/**
 * Read what drift needs from the reference in one pass: the count of every value of every
 * compared column (histogram(x), a hash map per column). Bins, quantiles and spread are then
 * exact, computed here. The maps are as large as the reference's distinct values: a reference is
 * a sample or a month, not the whole history.
 */
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
  const items = pairs.map(({ reference: col }, i) => `histogram(${driftValue(col)}) AS h${i}`);
  const [h = {}] = await engine.all(`SELECT ${items.join(',\n  ')}\nFROM ${relation}`);
  pairs.forEach((pair, i) => {
    const map = readHistogram(h[`h${i}`]);
    const total = [...map.values()].reduce((a, b) => a + b, 0);
    const d = decide(spec, pair, total, map.size);
    if (total === 0) {
      skipped.push({ column: pair.reference.name, reason: 'no values in the reference' });
    } else if (d.kind === 'categorical' && d.distinct > MAX_DISTINCT) {
      skipped.push({
        column: pair.reference.name,
        reason: `${d.distinct} distinct values: too many categories to compare (an identifier?); exclude it`,
      });
    } else {
      summary.current.set(pair.current.name, pair.current);
      summary.columns.push(referenceColumn(d, map, spec.bins ?? DEFAULT_BINS));
    }
  });
  return summary;
}

function referenceColumn(d: Decision, map: Map<string, number>, bins: number): ReferenceColumn {
  const base = {
    column: d.pair.current.name,
    method: d.method,
    threshold: d.threshold,
    total: d.total,
  };
  if (d.kind === 'categorical') {
    const entries = [...map].sort(
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
  const values = valueCounts(map);
  const distance = d.method === 'ks' || d.method === 'wasserstein';
  // KS and Wasserstein: every value in a bin of its own (the exact distribution), or, with many
  // distinct values, 1000 equal-width bins between the 0.1 % and 99.9 % quantiles.
  const binned = distance && d.distinct > MAX_VALUES;
  const edges = !distance
    ? [...new Set(binPositions(bins).map((p) => discreteQuantile(values, p)))]
    : binned
      ? equalWidthEdges(
          discreteQuantile(values, ROBUST_RANGE[0]),
          discreteQuantile(values, ROBUST_RANGE[1]),
          FINE_BINS,
        )
      : pointEdges(values.values);
  return {
    ...base,
    kind: 'numeric',
    edges,
    counts: countInto(values, edges),
    std: populationStd(values),
    ...tailsOf(values, edges),
    binned,
  };
}
