// A model's gates against the metrics of a run: pure, for the PR report and the model card.

import type { GateResult } from '../../github/report/model.ts';
import type { Gate, Model } from '../../spec/schema/model.ts';

type Value = number | string | null;
/** Metrics as `file → key → value`. */
export type MetricTable = ReadonlyMap<string, ReadonlyMap<string, Value>>;

/** A metric's value: from the model's metrics file, else the first file that has the key. */
export function metricOf(table: MetricTable | undefined, model: Model, name: string): Value {
  if (!table) return null;
  const file = model.metrics.file;
  if (file !== undefined) return table.get(file)?.get(name) ?? null;
  for (const values of table.values()) if (values.has(name)) return values.get(name) ?? null;
  return null;
}

function goalOf(model: Model, metric: string): 'maximize' | 'minimize' {
  if (metric === model.metrics.primary) return model.metrics.goal;
  return model.metrics.tracked?.[metric] ?? model.metrics.goal;
}

export function describeGate(gate: Gate): string {
  const parts: string[] = [];
  if (gate.min !== undefined) parts.push(`≥ ${gate.min}`);
  if (gate.max !== undefined) parts.push(`≤ ${gate.max}`);
  if (gate.notWorseThan !== undefined)
    parts.push(
      `not worse than ${gate.notWorseThan}${gate.tolerance ? ` (tolerance ${gate.tolerance})` : ''}`,
    );
  return parts.join(', ');
}

/**
 * Evaluate every gate. A gate against `base` or an environment with nothing to compare (no
 * metrics there yet, nothing deployed) holds on its other bounds: the first version of a model
 * has nothing to be worse than.
 */
export function evaluateGates(
  name: string,
  model: Model,
  metrics: {
    current: MetricTable;
    base?: MetricTable | undefined;
    production?: MetricTable | undefined;
  },
  productionEnvironment = 'production',
): GateResult[] {
  return (model.gates ?? []).map((gate) => {
    const value = metricOf(metrics.current, model, gate.metric);
    let rule = describeGate(gate);
    let passed = typeof value === 'number';
    if (typeof value === 'number') {
      if (gate.min !== undefined && value < gate.min) passed = false;
      if (gate.max !== undefined && value > gate.max) passed = false;
      if (gate.notWorseThan !== undefined) {
        const against =
          gate.notWorseThan === 'base'
            ? metrics.base
            : gate.notWorseThan === productionEnvironment
              ? metrics.production
              : undefined;
        const reference = metricOf(against, model, gate.metric);
        if (typeof reference === 'number') {
          const tolerance = gate.tolerance ?? 0;
          const worse =
            goalOf(model, gate.metric) === 'maximize'
              ? value < reference - tolerance
              : value > reference + tolerance;
          if (worse) passed = false;
          rule += ` — ${gate.notWorseThan}: ${reference}`;
        } else {
          rule += ` — nothing in ${gate.notWorseThan} to compare`;
        }
      }
    }
    return { model: name, metric: gate.metric, rule: rule.slice(0, 500), value, passed };
  });
}
