import { describe, expect, it } from 'vitest';
import { closest, editDistance } from './suggest.ts';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and transpositions', () => {
    expect(editDistance('cmd', 'cmd')).toBe(0);
    expect(editDistance('cmnd', 'cmd')).toBe(1);
    expect(editDistance('dpes', 'deps')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('closest', () => {
  it('suggests a near miss and nothing for a stranger', () => {
    expect(closest('outz', ['outs', 'deps', 'cmd'])).toBe('outs');
    expect(closest('Metrics', ['metrics', 'plots'])).toBe('metrics');
    expect(closest('banana', ['outs', 'deps', 'cmd'])).toBeUndefined();
    expect(closest('train.batch', ['train.lr', 'train.epochs'])).toBeUndefined();
    expect(closest('train.epoch', ['train.lr', 'train.epochs'])).toBe('train.epochs');
  });

  it('suggests the one candidate an abbreviation starts', () => {
    expect(closest('prod', ['base', 'staging', 'production'])).toBe('production');
    expect(closest('st', ['staging', 'stable'])).toBeUndefined();
  });
});
