import { describe, expect, it } from 'vitest';
import type { Gate, Model } from '../spec/schema/model.ts';
import { evaluateGate, evaluateModelGates, gateRule, metricGoal } from './gates.ts';

const production = { production: { accuracy: 0.95, log_loss: 0.1 } };

describe('evaluateGate', () => {
  it('applies min and max, bounds included', () => {
    const gate: Gate = { metric: 'accuracy', min: 0.9, max: 0.99 };
    expect(evaluateGate(gate, 'maximize', { accuracy: 0.9 }).status).toBe('passed');
    expect(evaluateGate(gate, 'maximize', { accuracy: 0.99 }).status).toBe('passed');
    expect(evaluateGate(gate, 'maximize', { accuracy: 0.89 })).toEqual({
      metric: 'accuracy',
      rule: 'min 0.9, max 0.99',
      value: 0.89,
      status: 'failed',
      reason: 'below the minimum 0.9',
    });
    expect(evaluateGate(gate, 'maximize', { accuracy: 0.995 }).reason).toBe(
      'above the maximum 0.99',
    );
  });

  it('compares with the named version within the tolerance, by the goal', () => {
    const higher: Gate = { metric: 'accuracy', notWorseThan: 'production', tolerance: 0.01 };
    const at = (v: number) => evaluateGate(higher, 'maximize', { accuracy: v }, production);
    expect(at(0.94)).toMatchObject({ status: 'passed', baseline: 0.95 });
    expect(at(0.939)).toMatchObject({
      status: 'failed',
      rule: 'not worse than production (tolerance 0.01)',
      reason: 'worse than production (0.95)',
    });
    const lower: Gate = { metric: 'log_loss', notWorseThan: 'production' };
    expect(evaluateGate(lower, 'minimize', { log_loss: 0.1 }, production).status).toBe('passed');
    expect(evaluateGate(lower, 'minimize', { log_loss: 0.11 }, production).status).toBe('failed');
    expect(evaluateGate(lower, 'maximize', { log_loss: 0.11 }, production).status).toBe('passed');
  });

  it('skips a comparison with nothing to compare with, but still applies min and max', () => {
    const only: Gate = { metric: 'accuracy', notWorseThan: 'production' };
    expect(evaluateGate(only, 'maximize', { accuracy: 0.5 })).toEqual({
      metric: 'accuracy',
      rule: 'not worse than production',
      value: 0.5,
      status: 'skipped',
      reason: 'no production value to compare with',
    });
    const both: Gate = { metric: 'accuracy', min: 0.9, notWorseThan: 'base' };
    expect(evaluateGate(both, 'maximize', { accuracy: 0.95 }, production).status).toBe('passed');
    expect(evaluateGate(both, 'maximize', { accuracy: 0.85 }, production).status).toBe('failed');
  });

  it('fails a gate whose metric is missing or not a number', () => {
    const gate: Gate = { metric: 'accuracy', min: 0 };
    expect(evaluateGate(gate, 'maximize', {})).toMatchObject({ status: 'failed', value: null });
    expect(evaluateGate(gate, 'maximize', { accuracy: 'n/a' }).reason).toBe('not a number');
    expect(evaluateGate(gate, 'maximize', { accuracy: NaN }).status).toBe('failed');
  });
});

describe('evaluateModelGates', () => {
  const model: Pick<Model, 'metrics' | 'gates' | 'environments'> = {
    metrics: { primary: 'accuracy', goal: 'maximize', tracked: { log_loss: 'minimize' } },
    gates: [{ metric: 'accuracy', min: 0.9 }],
    environments: {
      staging: {},
      production: { gates: [{ metric: 'log_loss', notWorseThan: 'staging', tolerance: 0.02 }] },
    },
  };

  it("evaluates the model's gates, then each environment's, with the metric's goal", () => {
    const outcomes = evaluateModelGates(
      model,
      { accuracy: 0.95, log_loss: 0.13 },
      { staging: { log_loss: 0.1 } },
    );
    expect(outcomes.map((o) => [o.environment, o.metric, o.status])).toEqual([
      [undefined, 'accuracy', 'passed'],
      ['production', 'log_loss', 'failed'],
    ]);
  });

  it('knows the goal of declared metrics', () => {
    expect(metricGoal(model, 'accuracy')).toBe('maximize');
    expect(metricGoal(model, 'log_loss')).toBe('minimize');
    expect(metricGoal(model, 'other')).toBe('maximize');
  });
});

it('words rules as the PR report does', () => {
  expect(gateRule({ metric: 'accuracy', min: 0.9 })).toBe('min 0.9');
  expect(gateRule({ metric: 'accuracy', notWorseThan: 'production', tolerance: 0.01 })).toBe(
    'not worse than production (tolerance 0.01)',
  );
});
