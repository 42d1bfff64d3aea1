// Gate evaluation: pure, over a model spec's gates and flat metric values (keys joined by "." as
// `dvc metrics diff` prints them). Used by the model card; registration and promotion share it.
import type { Goal } from '../spec/schema/common.ts';
import type { Gate, Model } from '../spec/schema/model.ts';
import { formatNumber } from '../github/report/markdown.ts';

/** A metric as read from a metrics file: a number, occasionally a string, null when missing. */
export type MetricValue = number | string | null;
/** Flat metrics: nested keys joined by ".", e.g. `per_class_f1.Adelie`. */
export type MetricValues = Readonly<Record<string, MetricValue>>;

/**
 * `passed` and `failed` say what the gate decided; `skipped`: its only rule compares with a
 * version that has no value to compare with (nothing in production yet), so it holds nothing back.
 */
export type GateStatus = 'passed' | 'failed' | 'skipped';

export interface GateOutcome {
  metric: string;
  /** Where the gate comes from: undefined for the model's own gates, else the environment. */
  environment?: string;
  /** The rule as people read it: "min 0.9", "not worse than production (tolerance 0.01)". */
  rule: string;
  value: MetricValue;
  /** The compared version's value, for a `notWorseThan` rule that had one. */
  baseline?: number;
  status: GateStatus;
  /** Why a gate failed or was skipped, in words. */
  reason?: string;
}

/** The goal of a declared metric: the primary's, a tracked one's, else "maximize". */
export function metricGoal(model: Pick<Model, 'metrics'>, metric: string): Goal {
  if (metric === model.metrics.primary) return model.metrics.goal;
  return model.metrics.tracked?.[metric] ?? 'maximize';
}

/** The rule of a gate in words, as the PR report shows it. */
export function gateRule(gate: Gate): string {
  const parts: string[] = [];
  if (gate.min !== undefined) parts.push(`min ${formatNumber(gate.min)}`);
  if (gate.max !== undefined) parts.push(`max ${formatNumber(gate.max)}`);
  if (gate.notWorseThan !== undefined) {
    const tolerance = gate.tolerance ? ` (tolerance ${formatNumber(gate.tolerance)})` : '';
    parts.push(`not worse than ${gate.notWorseThan}${tolerance}`);
  }
  return parts.join(', ');
}

/**
 * Evaluate one gate. Every rule it states must hold. A missing or non-numeric value fails it.
 * `baselines` holds the values of what `notWorseThan` names ("base" or an environment); when
 * there is none for the metric, that rule is not applied (a first version has nothing to beat).
 */
export function evaluateGate(
  gate: Gate,
  goal: Goal,
  metrics: MetricValues,
  baselines: Readonly<Record<string, MetricValues>> = {},
): GateOutcome {
  const value = metrics[gate.metric] ?? null;
  const outcome = { metric: gate.metric, rule: gateRule(gate), value };
  if (typeof value !== 'number' || Number.isNaN(value)) {
    const reason = value === null ? 'no value' : 'not a number';
    return { ...outcome, status: 'failed', reason };
  }
  const failures: string[] = [];
  if (gate.min !== undefined && !(value >= gate.min))
    failures.push(`below the minimum ${formatNumber(gate.min)}`);
  if (gate.max !== undefined && !(value <= gate.max))
    failures.push(`above the maximum ${formatNumber(gate.max)}`);
  let baseline: number | undefined;
  let skipped: string | undefined;
  if (gate.notWorseThan !== undefined) {
    const other = baselines[gate.notWorseThan]?.[gate.metric];
    if (typeof other === 'number' && !Number.isNaN(other)) {
      baseline = other;
      const tolerance = gate.tolerance ?? 0;
      const ok = goal === 'maximize' ? value >= other - tolerance : value <= other + tolerance;
      if (!ok) failures.push(`worse than ${gate.notWorseThan} (${formatNumber(other)})`);
    } else skipped = `no ${gate.notWorseThan} value to compare with`;
  }
  const withBaseline = baseline === undefined ? outcome : { ...outcome, baseline };
  if (failures.length > 0)
    return { ...withBaseline, status: 'failed', reason: failures.join('; ') };
  const onlyComparison = gate.min === undefined && gate.max === undefined;
  if (skipped !== undefined && onlyComparison)
    return { ...withBaseline, status: 'skipped', reason: skipped };
  return { ...withBaseline, status: 'passed' };
}

/**
 * Every gate of a model: its own, then each environment's extra gates (in the order the spec
 * lists the environments), evaluated against `metrics`.
 */
export function evaluateModelGates(
  model: Pick<Model, 'metrics' | 'gates' | 'environments'>,
  metrics: MetricValues,
  baselines: Readonly<Record<string, MetricValues>> = {},
): GateOutcome[] {
  const run = (gate: Gate) =>
    evaluateGate(gate, metricGoal(model, gate.metric), metrics, baselines);
  return [
    ...(model.gates ?? []).map(run),
    ...Object.entries(model.environments).flatMap(([environment, env]) =>
      (env.gates ?? []).map((gate) => ({ ...run(gate), environment })),
    ),
  ];
}
