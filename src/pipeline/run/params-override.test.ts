import { describe, expect, it } from 'vitest';
import { setParams } from './params-override.ts';

describe('setParams', () => {
  const text =
    '# Hyperparameters\nseed: 42\ntrain:\n  lr: 0.5 # step size\n  l2: 1.0\n  opt: "sgd"\n';

  it('sets dotted keys and keeps comments, order and quoting', () => {
    expect(setParams(text, { 'train.lr': 0.05, 'train.opt': 'adam', seed: 7 })).toBe(
      '# Hyperparameters\nseed: 7\ntrain:\n  lr: 0.05 # step size\n  l2: 1.0\n  opt: "adam"\n',
    );
  });

  it('keeps a float a float when the new value is integral', () => {
    expect(setParams(text, { 'train.l2': 2, 'train.lr': 1 })).toContain(
      '  lr: 1.0 # step size\n  l2: 2.0\n',
    );
    expect(setParams(text, { seed: 3 })).toContain('seed: 3\n');
  });

  it('adds a key the file does not have yet', () => {
    expect(setParams('train:\n  lr: 0.1\n', { 'train.momentum': 0.9, 'model.depth': 4 })).toBe(
      'train:\n  lr: 0.1\n  momentum: 0.9\nmodel:\n  depth: 4\n',
    );
  });
});
