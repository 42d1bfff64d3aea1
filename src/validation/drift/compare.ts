// The current side of drift: aggregates that ride along in the main pass over the data (no
// separate scan), then the per-column scores and the dataset verdict.

import { asDouble, asText, toNumber, toText } from '../columns.ts';
import type { Row } from '../engine.ts';
import type { AggregateList } from '../plan.ts';
import type { DriftColumn, DriftMethod, DriftSummary } from '../results.ts';
import { str } from '../sql.ts';
import { binCounts, doubleList, tailSql } from './bins.ts';
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
  histogram: string;
  count: string;
  /** Wasserstein: Σ(e0 − x) below the first edge and Σ(x − ek) above the last. */
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
    let aliases: Aliases;
    if (ref.kind === 'categorical') {
      const text = asText(col);
      const inList =
        ref.categories.length > 0 ? `${text} IN (${ref.categories.map(str).join(', ')})` : 'false';
      aliases = {
        histogram: aggregates.add(`histogram(${text}) FILTER (WHERE ${inList})`),
        count: aggregates.add(`count(${text})`),
      };
    } else {
      const v = asDouble(col);
      aliases = {
        histogram: aggregates.add(`histogram(${v}, ${doubleList(ref.edges)})`),
        count: aggregates.add(`count(${v})`),
      };
      if (ref.method === 'wasserstein') {
        const tails = tailSql(v, ref.edges);
        aliases.below = aggregates.add(tails.below);
        aliases.above = aggregates.add(tails.above);
      }
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

function score(ref: ReferenceColumn, aliases: Aliases, row: Row): DriftColumn | string {
  const currentCount = toNumber(row[aliases.count]);
  if (currentCount === 0) return 'no values in the current data';
  let value: number;
  let bins: number;
  if (ref.kind === 'categorical') {
    const found = new Map<string, number>();
    const hist = row[aliases.histogram];
    if (Array.isArray(hist)) {
      for (const e of hist) {
        const entry = e as { key?: Row[string]; value?: Row[string] };
        found.set(toText(entry.key), toNumber(entry.value));
      }
    }
    const listed = ref.categories.map((c) => found.get(c) ?? 0);
    const current = [...listed, currentCount - listed.reduce((a, b) => a + b, 0)];
    value = binnedScore(ref.method, ref.counts, current);
    bins = ref.categories.length + (ref.counts.at(-1)! > 0 || current.at(-1)! > 0 ? 1 : 0);
  } else {
    const current = binCounts(row[aliases.histogram], ref.edges);
    bins = current.length;
    if (ref.method === 'ks') {
      value = ksPValue(ksStatistic(cdf(ref.counts), cdf(current)), ref.total, currentCount);
    } else if (ref.method === 'wasserstein') {
      const distance = binnedWasserstein(ref.edges, ref.counts, current, {
        referenceBelow: ref.below,
        referenceAbove: ref.above,
        currentBelow: toNumber(row[aliases.below!]),
        currentAbove: toNumber(row[aliases.above!]),
      });
      value = distance / Math.max(ref.std, 0.001);
    } else {
      value = binnedScore(ref.method, ref.counts, current);
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
