import type { RunnerClass } from '../spec/schema/repo-config.ts';

export interface Cost {
  currency: string;
  /** Total for the work; null when the runner class has no price. */
  amount: number | null;
  runner: number;
  gpu: number;
  energy: number;
}

export interface Usage {
  seconds: number;
  gpus: number;
  /** Measured GPU energy in watt-hours, when power was sampled. */
  energyWh: number | null;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * What a stage cost on its runner class: runner hours × `price.hour`, plus GPU hours ×
 * `price.gpuHour`, plus measured energy × `price.kwh`. Self-hosted GPUs have no cloud bill, so the
 * price table in gitops-ml.yaml is the source of truth, as OptScale's time-share does for clouds.
 */
export function costOf(usage: Usage, runner: RunnerClass | undefined, currency = 'USD'): Cost {
  const price = runner?.price;
  if (!price) return { currency, amount: null, runner: 0, gpu: 0, energy: 0 };
  const hours = usage.seconds / 3600;
  const parts = {
    runner: round(hours * price.hour),
    gpu: round(hours * usage.gpus * (price.gpuHour ?? 0)),
    energy: round(((usage.energyWh ?? 0) / 1000) * (price.kwh ?? 0)),
  };
  return { currency, amount: round(parts.runner + parts.gpu + parts.energy), ...parts };
}

/** Add up stage costs into a run's. */
export function sumCosts(costs: readonly Cost[], currency = 'USD'): Cost {
  const known = costs.filter((c) => c.amount !== null);
  const total = (k: 'runner' | 'gpu' | 'energy') => round(known.reduce((s, c) => s + c[k], 0));
  return {
    currency,
    amount: known.length ? round(known.reduce((s, c) => s + c.amount!, 0)) : null,
    runner: total('runner'),
    gpu: total('gpu'),
    energy: total('energy'),
  };
}

export function formatMoney(cost: Cost): string {
  if (cost.amount === null) return 'n/a';
  const digits = cost.amount < 0.01 ? 4 : 2;
  return `${cost.amount.toFixed(digits)} ${cost.currency}`;
}
