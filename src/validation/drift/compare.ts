// The current side of drift: aggregates that ride along in the main pass over the data (no
// separate scan), then the per-column scores and the dataset verdict.

import { asNumber, driftValue, toNumber } from '../columns.ts';
import type { Row } from '../engine.ts';
import type { AggregateList } from '../plan.ts';
import type { DriftColumn, DriftMethod, DriftSummary } from '../results.ts';
import {
  binCounts,
  countInto,
  doubleList,
  readHistogram,
  tailSql,
  tailsOf,
  valueCounts,
} from './bins.ts';
import {
  DEFAULT_SHARE,
  isPValue,
  type ReferenceColumn,
  type ReferenceSummary,
} from './reference.ts';
import {
  binnedWasserstein,
  chiSquaredPValue,
  jensenShannonDistance,
  ksPValue,
  ksStatistic,
  populationStabilityIndex,
  stable,
} from './stats.ts';

export const STATISTICS: Record<DriftMethod, string> = {
  ks: 'p-value, two-sample Kolmogorov–Smirnov',
  chisquare: 'p-value, chi-squared test of homogeneity',
  wasserstein: 'Wasserstein-1 distance / reference std (population)',
  jensenshannon: 'Jensen–Shannon distance, natural log (0..0.833)',
  psi: 'population stability index, natural log',
};

interface Aliases {
  /** histogram(x): counts per value (categories; numbers whose reference has few values). */
  values?: string;
  /** histogram(x, edges), count(x) and tail sums: numbers binned on the reference. */
  bins?: string;
  count?: string;
  below?: string;
  above?: string;
}

/** Add the current-side aggregates of every compared column; returns how to score them. */
export function planCurrent(
  aggregates: AggregateList,
  summary: ReferenceSummary,
  share: number | undefined,
): (row: Row) => DriftSummary {
  const plans = summary.columns.map((ref) => {
    const col = summary.current.get(ref.column)!;
    // Counting per value is a hash lookup per row, cheaper than a binary search over thousands of
    // edges, and exact; the map is as large as the number of distinct values, so numbers whose
    // reference has many distinct values are counted in the reference's fixed bins instead.
    if (ref.kind === 'categorical' || !ref.binned)
      return { ref, aliases: { values: aggregates.add(`histogram(${driftValue(col)})`) } };
    const v = asNumber(col);
    const aliases: Aliases = {
      bins: aggregates.add(`histogram(${v}, ${doubleList(ref.edges)})`),
      count: aggregates.add(`count(${v})`),
    };
    if (ref.method === 'wasserstein') {
      const tails = tailSql(v, ref.edges);
      aliases.below = aggregates.add(tails.below);
      aliases.above = aggregates.add(tails.above);
    }
    return { ref, aliases };
  });
  return (row) =>
    summarize(
      summary,
      share ?? DEFAULT_SHARE,
      plans.map((p) => score(p.ref, p.aliases, row)),
    );
}

function summarize(
  summary: ReferenceSummary,
  share: number,
  scored: (DriftColumn | string)[],
): DriftSummary {
  const columns: DriftColumn[] = [];
  const skipped = [...summary.skipped];
  scored.forEach((s, i) => {
    if (typeof s === 'string') skipped.push({ column: summary.columns[i]!.column, reason: s });
    else columns.push(s);
  });
  const drifted = columns.filter((c) => c.drifted).length;
  const driftedShare = columns.length > 0 ? drifted / columns.length : 0;
  return {
    reference: summary.path,
    columns,
    skipped,
    driftedColumns: drifted,
    driftedShare: stable(driftedShare),
    share,
    datasetDrift: columns.length > 0 && driftedShare >= share,
  };
}

/** The current side in the reference's bins: counts, total, and the Wasserstein tails. */
function currentSide(
  ref: Extract<ReferenceColumn, { kind: 'numeric' }>,
  aliases: Aliases,
  row: Row,
): { counts: number[]; total: number; below: number; above: number } {
  if (aliases.values !== undefined) {
    const values = valueCounts(row[aliases.values]);
    const counts = countInto(values, ref.edges);
    return { counts, total: counts.reduce((a, b) => a + b, 0), ...tailsOf(values, ref.edges) };
  }
  return {
    counts: binCounts(row[aliases.bins!], ref.edges),
    total: toNumber(row[aliases.count!]),
    below: toNumber(row[aliases.below ?? '']),
    above: toNumber(row[aliases.above ?? '']),
  };
}

function score(ref: ReferenceColumn, aliases: Aliases, row: Row): DriftColumn | string {
  let value: number;
  let bins: number;
  let currentCount: number;
  if (ref.kind === 'categorical') {
    const found = readHistogram(row[aliases.values!]);
    currentCount = [...found.values()].reduce((a, b) => a + b, 0);
    if (currentCount === 0) return 'no values in the current data';
    const listed = ref.categories.map((c) => found.get(c) ?? 0);
    const current = [...listed, currentCount - listed.reduce((a, b) => a + b, 0)];
    value = binnedScore(ref.method, ref.counts, current);
    bins = ref.categories.length + (ref.counts.at(-1)! > 0 || current.at(-1)! > 0 ? 1 : 0);
  } else {
    const current = currentSide(ref, aliases, row);
    currentCount = current.total;
    if (currentCount === 0) return 'no values in the current data';
    bins = current.counts.length;
    if (ref.method === 'ks') {
      value = ksPValue(ksStatistic(cdf(ref.counts), cdf(current.counts)), ref.total, currentCount);
    } else if (ref.method === 'wasserstein') {
      const distance = binnedWasserstein(ref.edges, ref.counts, current.counts, {
        referenceBelow: ref.below,
        referenceAbove: ref.above,
        currentBelow: current.below,
        currentAbove: current.above,
      });
      value = distance / Math.max(ref.std, 0.001);
    } else {
      value = binnedScore(ref.method, ref.counts, current.counts);
    }
  }
  const drifted = isPValue(ref.method) ? value < ref.threshold : value >= ref.threshold;
  return {
    column: ref.column,
    kind: ref.kind,
    method: ref.method,
    statistic: STATISTICS[ref.method],
    score: stable(value),
    threshold: ref.threshold,
    drifted,
    referenceCount: ref.total,
    currentCount,
    bins,
  };
}

/** Cumulative shares at each bin's upper edge. */
function cdf(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  let running = 0;
  return counts.map((c) => (running += c) / (total || 1));
}

function binnedScore(method: DriftMethod, reference: number[], current: number[]): number {
  switch (method) {
    case 'chisquare':
      return chiSquaredPValue(reference, current);
    case 'psi':
      return populationStabilityIndex(reference, current);
    case 'jensenshannon':
      return jensenShannonDistance(reference, current);
    case 'ks':
    case 'wasserstein':
      throw new Error(`${method} compares numbers, not bins`);
  }
}
