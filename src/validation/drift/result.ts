import type { Outcome } from '../plan.ts';
import type { DriftColumn, DriftSummary } from '../results.ts';
import { isPValue } from './reference.ts';

/** `delay (wasserstein 0.31 ≥ 0.1)`: one drifted column, for messages. */
export function describeColumn(c: DriftColumn): string {
  const op = isPValue(c.method) ? (c.drifted ? '<' : '≥') : c.drifted ? '≥' : '<';
  return `${c.column} (${c.method} ${formatScore(c.score)} ${op} ${c.threshold})`;
}

export function formatScore(x: number): string {
  if (x === 0) return '0';
  const abs = Math.abs(x);
  return abs >= 0.001 && abs < 1e6 ? String(Number(x.toPrecision(3))) : x.toExponential(2);
}

/** The dataset drift verdict as a check outcome. */
export function driftCheck(drift: DriftSummary): Outcome {
  const drifted = drift.columns.filter((c) => c.drifted);
  const n = drift.columns.length;
  const list = drifted.map(describeColumn).join(', ');
  return {
    ok: !drift.datasetDrift,
    observed: drift.driftedShare,
    elementCount: n,
    unexpectedCount: drifted.length,
    sample: drifted.map((c) => c.column),
    message:
      n === 0
        ? `no column could be compared with ${drift.reference}`
        : `${drifted.length} of ${n} columns drifted from ${drift.reference}${drift.datasetDrift ? ` (share ≥ ${drift.share}: dataset drift)` : ''}${list ? `: ${list}` : ''}`,
  };
}
