import { describe, expect, it } from 'vitest';
import { costOf, formatMoney, sumCosts } from './cost.ts';
import { leaderboard, seededRandom, trialsOf } from './sweep.ts';

describe('sweeps', () => {
  it('grid: every combination, in spec order', () => {
    expect(
      trialsOf({ method: 'grid', params: { lr: [0.1, 0.01], 'model.depth': [2, 4] } }),
    ).toEqual([
      { lr: 0.1, 'model.depth': 2 },
      { lr: 0.1, 'model.depth': 4 },
      { lr: 0.01, 'model.depth': 2 },
      { lr: 0.01, 'model.depth': 4 },
    ]);
  });

  it('random: the same draws for the same seed, inside the ranges, no repeats', () => {
    const sweep = {
      method: 'random' as const,
      trials: 20,
      seed: 7,
      params: {
        lr: { min: 1e-4, max: 1e-1, log: true },
        layers: { min: 1, max: 8, integer: true },
        opt: ['sgd', 'adam'],
      },
    };
    const a = trialsOf(sweep);
    expect(a).toEqual(trialsOf(sweep));
    expect(a).toHaveLength(20);
    expect(new Set(a.map((t) => JSON.stringify(t))).size).toBe(20);
    for (const t of a) {
      expect(t.lr).toBeGreaterThanOrEqual(1e-4);
      expect(t.lr).toBeLessThanOrEqual(1e-1);
      expect(Number.isInteger(t.layers)).toBe(true);
      expect(['sgd', 'adam']).toContain(t.opt);
    }
    expect(trialsOf({ ...sweep, seed: 8 })).not.toEqual(a);
  });

  it('stops when a small space has no more new combinations', () => {
    expect(
      trialsOf({ method: 'random', trials: 10, params: { opt: ['sgd', 'adam'] } }),
    ).toHaveLength(2);
  });

  it('ranks trials by the goal, failures last', () => {
    const results = [
      { trial: 0, params: {}, metric: 0.8, status: 'ok' as const },
      { trial: 1, params: {}, metric: null, status: 'failed' as const },
      { trial: 2, params: {}, metric: 0.9, status: 'ok' as const },
    ];
    expect(leaderboard(results, 'maximize').map((r) => r.trial)).toEqual([2, 0, 1]);
    expect(leaderboard(results, 'minimize').map((r) => r.trial)).toEqual([0, 2, 1]);
  });

  it('draws uniformly enough', () => {
    const r = seededRandom(1);
    const draws = Array.from({ length: 10_000 }, r);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });
});

describe('cost', () => {
  const gpuBox = { 'runs-on': 'gpu', price: { hour: 2.5, gpuHour: 1, kwh: 0.2 } };

  it('prices runner time, GPU time and measured energy', () => {
    expect(costOf({ seconds: 1800, gpus: 2, energyWh: 500 }, gpuBox)).toEqual({
      currency: 'USD',
      amount: 2.35,
      runner: 1.25,
      gpu: 1,
      energy: 0.1,
    });
    expect(costOf({ seconds: 60, gpus: 0, energyWh: null }, { 'runs-on': 'x' })).toEqual({
      currency: 'USD',
      amount: null,
      runner: 0,
      gpu: 0,
      energy: 0,
    });
  });

  it('adds up stages and prints money', () => {
    const total = sumCosts([
      costOf({ seconds: 3600, gpus: 0, energyWh: null }, { 'runs-on': 'x', price: { hour: 0.48 } }),
      costOf({ seconds: 1, gpus: 0, energyWh: null }, undefined),
    ]);
    expect(total.amount).toBe(0.48);
    expect(formatMoney(total)).toBe('0.48 USD');
    expect(
      formatMoney(
        costOf({ seconds: 10, gpus: 0, energyWh: null }, { 'runs-on': 'x', price: { hour: 0.48 } }),
      ),
    ).toBe('0.0013 USD');
  });
});
