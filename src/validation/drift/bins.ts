// Bins fixed on the reference, as edges DuckDB's histogram(x, edges) understands: bin 0 is
// (−∞, e0], bin i is (e(i−1), ei], and the last is (ek, ∞).

import { toNumber, toText } from '../columns.ts';
import type { JsonValue } from '../engine.ts';
import { nextDown } from './stats.ts';

/** Wasserstein and KS on many distinct values: equal-width bins between these quantiles. */
export const ROBUST_RANGE = [0.001, 0.999] as const;
export const FINE_BINS = 1000;

export function readHistogram(value: JsonValue | undefined): Map<string, number> {
  const map = new Map<string, number>();
  if (!Array.isArray(value)) return map;
  for (const e of value) {
    const entry = e as { key?: JsonValue; value?: JsonValue };
    map.set(toText(entry.key), toNumber(entry.value));
  }
  return map;
}

/** Counts per bin from a DuckDB histogram(x, edges) result: one per edge, then the overflow. */
export function binCounts(value: JsonValue | undefined, edges: readonly number[]): number[] {
  const map = readHistogram(value);
  return [...edges.map((e) => map.get(String(e)) ?? 0), map.get('Infinity') ?? 0];
}

/** `[...]::DOUBLE[]` from strings, so DuckDB parses each edge as the same double JavaScript has. */
export function doubleList(values: readonly number[]): string {
  return `[${values.map((v) => `'${String(v)}'`).join(', ')}]::DOUBLE[]`;
}

/** Each value and the double just below it, so every value is a bin of its own. */
export function pointEdges(values: readonly number[]): number[] {
  const edges: number[] = [];
  for (const v of values) {
    const below = nextDown(v);
    if (edges.length === 0 || below > edges[edges.length - 1]!) edges.push(below);
    edges.push(v);
  }
  return edges;
}

/** Edges lo, …, hi of `count` equal-width bins (bin 0 then holds everything up to lo). */
export function equalWidthEdges(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo)) return [lo];
  const edges = [lo];
  for (let k = 1; k < count; k++) {
    const e = lo + ((hi - lo) * k) / count;
    if (e > edges[edges.length - 1]!) edges.push(e);
  }
  if (hi > edges[edges.length - 1]!) edges.push(hi);
  return edges;
}

/** A distribution given by its value counts (ascending values). */
export interface ValueCounts {
  values: number[];
  counts: number[];
}

export function valueCounts(value: JsonValue | Map<string, number> | undefined): ValueCounts {
  const map = value instanceof Map ? value : readHistogram(value);
  // Keys are JSON text of numbers (text that is not a number is left out: it is not a value).
  const entries = [...map]
    .map(([k, c]) => [Number(k), c] as const)
    .filter(([v]) => Number.isFinite(v))
    .sort((a, b) => a[0] - b[0]);
  return { values: entries.map(([v]) => v), counts: entries.map(([, c]) => c) };
}

/** quantile_disc: the smallest value whose cumulative share reaches p. */
export function discreteQuantile(d: ValueCounts, p: number): number {
  const total = d.counts.reduce((a, b) => a + b, 0);
  let running = 0;
  for (let i = 0; i < d.values.length; i++) {
    running += d.counts[i]!;
    if (running >= p * total - 1e-9) return d.values[i]!;
  }
  return d.values[d.values.length - 1]!;
}

/** Value counts summed into the bins of `edges`. */
export function countInto(d: ValueCounts, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  let bin = 0;
  d.values.forEach((v, i) => {
    while (bin < edges.length && v > edges[bin]!) bin++;
    counts[bin]! += d.counts[i]!;
  });
  return counts;
}

/** Σ(e0 − x) below the first edge and Σ(x − ek) above the last, from value counts. */
export function tailsOf(
  d: ValueCounts,
  edges: readonly number[],
): { below: number; above: number } {
  const lo = edges[0]!;
  const hi = edges[edges.length - 1]!;
  let below = 0;
  let above = 0;
  d.values.forEach((v, i) => {
    if (v < lo) below += (lo - v) * d.counts[i]!;
    if (v > hi) above += (v - hi) * d.counts[i]!;
  });
  return { below, above };
}

/** SQL aggregates for the same tails over a column expression `v`. */
export function tailSql(v: string, edges: readonly number[]): { below: string; above: string } {
  const lo = `'${String(edges[0])}'::DOUBLE`;
  const hi = `'${String(edges[edges.length - 1])}'::DOUBLE`;
  return {
    below: `coalesce(sum(${lo} - ${v}) FILTER (WHERE ${v} < ${lo}), 0)`,
    above: `coalesce(sum(${v} - ${hi}) FILTER (WHERE ${v} > ${hi}), 0)`,
  };
}
