// The reference side of drift: which columns to compare, which test each gets, and the bins fixed
// on the reference (two queries over the reference: statistics and edges, then counts per bin).

import type { Drift } from '../../spec/schema/validation.ts';
import { asDouble, asText, familyOf, isNumeric, isTemporal, toNumber, type Column } from '../columns.ts';
import type { Engine, JsonValue, Row } from '../engine.ts';
import type { DriftMethod, DriftSkipped } from '../results.ts';
import { nextDown } from './stats.ts';

type DriftSpec = Drift;

/** Evidently's rule: up to this many reference values is a small sample (KS, chi-squared). */
export const SMALL_SAMPLE = 1000;
/** Numeric columns with at most this many distinct values are compared as categories. */
export const FEW_VALUES = 5;
/** Categories beyond the most frequent ones on the reference share one "other" bin. */
export const MAX_CATEGORIES = 1000;
/** A categorical column with more distinct values than this looks like an identifier: skipped. */
export const MAX_DISTINCT = 10_000;
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
  | (Base & { kind: 'numeric'; method: 'ks'; values: number[]; counts: number[] })
  | (Base & {
      kind: 'numeric';
      method: Exclude<DriftMethod, 'ks'>;
      /** Bin upper edges; the last bin is everything above the last edge. */
      edges: number[];
      counts: number[];
      min: number;
      max: number;
      std: number;
    })
  | (Base & { kind: 'categorical'; categories: string[]; counts: number[] });

export interface ReferenceSummary {
  path: string;
  columns: ReferenceColumn[];
  skipped: DriftSkipped[];
  /** The type of each compared column in the current data, for the current-side SQL. */
  current: Map<string, Column>;
}

/** Quantile positions: percentiles for Wasserstein, k/bins for binned tests. */
function positions(bins: number): number[] {
  const set = new Set<number>();
  for (let i = 1; i < 100; i++) set.add(i / 100);
  for (let k = 1; k < bins; k++) set.add(Number((k / bins).toFixed(12)));
  return [...set].sort((a, b) => a - b);
}

/** Which columns drift compares, and why the others are left out. */
export function driftColumns(
  spec: DriftSpec,
  current: readonly Column[],
  reference: readonly Column[],
): { pairs: { current: Column; reference: Column }[]; skipped: DriftSkipped[] } {
  const skipped: DriftSkipped[] = [];
  const pairs: { current: Column; reference: Column }[] = [];
  const explicit = spec.columns !== undefined;
  const exclude = new Set(spec.exclude ?? []);
  const names = spec.columns ?? current.map((c) => c.name).filter((n) => !exclude.has(n));
  for (const name of names) {
    const cur = current.find((c) => c.name === name);
    const ref = reference.find((c) => c.name === name);
    if (!cur) {
      skipped.push({ column: name, reason: 'not in the current data' });
      continue;
    }
    if (!ref) {
      skipped.push({ column: name, reason: 'not in the reference' });
      continue;
    }
    const family = familyOf(ref.type);
    if (family === 'other' || family === 'time') {
      skipped.push({ column: name, reason: `${ref.type} values are not compared` });
      continue;
    }
    if (isTemporal(family) && !explicit) {
      skipped.push({
        column: name,
        reason: `${ref.type} column: timestamps move by design; list it in drift.columns to compare it`,
      });
      continue;
    }
    pairs.push({ current: cur, reference: ref });
  }
  return { pairs, skipped };
}

function readHistogram(value: JsonValue | undefined): Map<string, number> {
  const map = new Map<string, number>();
  if (!Array.isArray(value)) return map;
  for (const e of value) {
    const entry = e as { key?: JsonValue; value?: JsonValue };
    map.set(String(entry.key), toNumber(entry.value));
  }
  return map;
}

/** Counts per bin for `edges` from a DuckDB histogram(x, edges) result: one per edge, then overflow. */
export function binCounts(value: JsonValue | undefined, edges: readonly number[]): number[] {
  const map = readHistogram(value);
  return [...edges.map((e) => map.get(String(e)) ?? 0), map.get('Infinity') ?? 0];
}

/** `[...]::DOUBLE[]` from strings, so DuckDB parses each edge as the same double JavaScript has. */
export function doubleList(values: readonly number[]): string {
  return `[${values.map((v) => `'${String(v)}'`).join(', ')}]::DOUBLE[]`;
}

/** KS edges: each reference value and the double just below it, so equal values get their own bin. */
export function ksEdges(values: readonly number[]): number[] {
  const edges: number[] = [];
  for (const v of values) {
    const below = nextDown(v);
    if (edges.length === 0 || below > edges[edges.length - 1]!) edges.push(below);
    edges.push(v);
  }
  return edges;
}

interface Decision {
  pair: { current: Column; reference: Column };
  kind: 'numeric' | 'categorical';
  method: DriftMethod;
  threshold: number;
}

function decide(
  spec: DriftSpec,
  pair: { current: Column; reference: Column },
  total: number,
  distinct: number,
): Decision {
  const family = familyOf(pair.reference.type);
  const numeric = (isNumeric(family) || isTemporal(family)) && distinct > FEW_VALUES;
  const small = total <= SMALL_SAMPLE;
  const requested = spec.method ?? 'auto';
  let method: DriftMethod;
  if (requested === 'auto' || (!numeric && (requested === 'ks' || requested === 'wasserstein'))) {
    method = numeric ? (small ? 'ks' : 'wasserstein') : small ? 'chisquare' : 'jensenshannon';
  } else {
    method = requested;
  }
  return {
    pair,
    kind: numeric ? 'numeric' : 'categorical',
    method,
    threshold: spec.threshold ?? DEFAULT_THRESHOLDS[method],
  };
}

/** Read what drift needs from the reference: two queries, whatever the number of columns. */
export async function summarizeReference(
  engine: Engine,
  path: string,
  relation: string,
  spec: DriftSpec,
  current: readonly Column[],
  reference: readonly Column[],
): Promise<ReferenceSummary> {
  const { pairs, skipped } = driftColumns(spec, current, reference);
  const summary: ReferenceSummary = { path, columns: [], skipped, current: new Map() };
  if (pairs.length === 0) return summary;
  const bins = spec.bins ?? DEFAULT_BINS;
  const quantiles = positions(bins);
  const stats = pairs.flatMap(({ reference: col }, i) => {
    const family = familyOf(col.type);
    const items = [`count(${asText(col)}) AS c${i}`];
    if (isNumeric(family) || isTemporal(family)) {
      const v = asDouble(col);
      items.push(
        `approx_count_distinct(${v}) AS d${i}`,
        `min(${v}) AS lo${i}`,
        `max(${v}) AS hi${i}`,
        `stddev_pop(${v}) AS sd${i}`,
        `quantile_disc(${v}, [${quantiles.join(', ')}]) AS q${i}`,
      );
    } else {
      items.push(`approx_count_distinct(${asText(col)}) AS d${i}`);
    }
    return items;
  });
  const [s = {}] = await engine.all(`SELECT ${stats.join(',\n  ')}\nFROM ${relation}`);
  const decisions: (Decision & { i: number; edges?: number[] })[] = [];
  pairs.forEach((pair, i) => {
    const total = toNumber(s[`c${i}`]);
    const distinct = toNumber(s[`d${i}`]);
    if (total === 0) {
      skipped.push({ column: pair.reference.name, reason: 'no values in the reference' });
      return;
    }
    const d = decide(spec, pair, total, distinct);
    if (d.kind === 'categorical' && distinct > MAX_DISTINCT) {
      skipped.push({
        column: pair.reference.name,
        reason: `about ${distinct} distinct values: too many categories to compare (an identifier?); exclude it`,
      });
      return;
    }
    let edges: number[] | undefined;
    if (d.kind === 'numeric' && d.method !== 'ks') {
      const q = (Array.isArray(s[`q${i}`]) ? (s[`q${i}`] as JsonValue[]) : []).map(toNumber);
      const wanted = d.method === 'wasserstein' ? (p: number) => Math.abs(p * 100 - Math.round(p * 100)) < 1e-9 : (p: number) => Math.abs(p * bins - Math.round(p * bins)) < 1e-9;
      edges = [...new Set(q.filter((_, k) => wanted(quantiles[k]!)))].sort((a, b) => a - b);
    }
    decisions.push({ ...d, i, ...(edges && { edges }) });
  });
  if (decisions.length === 0) return summary;
  const histograms = decisions.map((d) => {
    const col = d.pair.reference;
    if (d.kind === 'categorical') return `histogram(${asText(col)}) AS h${d.i}`;
    if (d.method === 'ks') return `histogram(${asDouble(col)}) AS h${d.i}`;
    return `histogram(${asDouble(col)}, ${doubleList(d.edges!)}) AS h${d.i}`;
  });
  const [h = {}] = await engine.all(`SELECT ${histograms.join(',\n  ')}\nFROM ${relation}`);
  for (const d of decisions) {
    summary.current.set(d.pair.current.name, d.pair.current);
    summary.columns.push(referenceColumn(d, s, h));
  }
  return summary;
}

function referenceColumn(d: Decision & { i: number; edges?: number[] }, s: Row, h: Row): ReferenceColumn {
  const base = {
    column: d.pair.current.name,
    threshold: d.threshold,
    total: toNumber(s[`c${d.i}`]),
  };
  const histogram = readHistogram(h[`h${d.i}`]);
  if (d.kind === 'categorical') {
    const entries = [...histogram].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const kept = entries.slice(0, MAX_CATEGORIES);
    const other = entries.slice(MAX_CATEGORIES).reduce((n, [, c]) => n + c, 0);
    return {
      ...base,
      kind: 'categorical',
      method: d.method,
      categories: kept.map(([k]) => k),
      counts: [...kept.map(([, c]) => c), other],
    };
  }
  if (d.method === 'ks') {
    const entries = [...histogram].map(([k, c]) => [Number(k), c] as const).sort((a, b) => a[0] - b[0]);
    return {
      ...base,
      kind: 'numeric',
      method: 'ks',
      values: entries.map(([v]) => v),
      counts: entries.map(([, c]) => c),
    };
  }
  return {
    ...base,
    kind: 'numeric',
    method: d.method as Exclude<DriftMethod, 'ks'>,
    edges: d.edges!,
    counts: binCounts(h[`h${d.i}`], d.edges!),
    min: toNumber(s[`lo${d.i}`]),
    max: toNumber(s[`hi${d.i}`]),
    std: toNumber(s[`sd${d.i}`]),
  };
}
