import { describe, expect, it } from 'vitest';
import { getDotted, interpolate, scope } from './template.ts';

const values = {
  lr: 0.1,
  name: 'net',
  layers: [64, 32],
  train: { epochs: 5, opts: { beta: 0.9 } },
  flags: { a: 1 },
};
const context = scope(values);

describe('interpolate', () => {
  it('keeps the type of a value that is the whole string', () => {
    expect(interpolate('${layers}', context)).toEqual({ ok: true, value: [64, 32] });
    expect(interpolate('${lr}', context)).toEqual({ ok: true, value: 0.1 });
    expect(interpolate('${ train.epochs }', context)).toEqual({ ok: true, value: 5 });
  });

  it('formats scalars inside a longer string', () => {
    expect(
      interpolate(
        'fit --lr ${lr} --name ${name} --l0 ${layers[0]} --b ${train.opts.beta}',
        context,
      ),
    ).toEqual({
      ok: true,
      value: 'fit --lr 0.1 --name net --l0 64 --b 0.9',
    });
  });

  it('leaves an escaped \\${ as a literal', () => {
    expect(interpolate('echo \\${HOME} ${name}', context)).toEqual({
      ok: true,
      value: 'echo ${HOME} net',
    });
  });

  it('refuses a list or mapping inside a longer string', () => {
    const r = interpolate('--layers ${layers}', context);
    expect(r).toEqual({
      ok: false,
      error: {
        message: '${layers} is a list and cannot be part of a longer string',
        expression: '${layers}',
      },
    });
  });

  it('says which part of a reference is missing, with a hint', () => {
    expect(interpolate('${train.epoch}', context)).toEqual({
      ok: false,
      error: {
        message: '${train.epoch}: "epoch" is not a key of "train" (did you mean "epochs"?)',
        expression: '${train.epoch}',
      },
    });
    expect(interpolate('x ${nme}', context)).toMatchObject({
      ok: false,
      error: { message: '${nme}: "nme" is not defined in params or vars (did you mean "name"?)' },
    });
    expect(interpolate('${layers[2]}', context)).toMatchObject({
      error: { message: '${layers[2]}: "layers" has 2 items, no [2]' },
    });
    expect(interpolate('${lr.x}', context)).toMatchObject({
      error: { message: '${lr.x}: "lr" is not a mapping' },
    });
    expect(interpolate('${a b}', context)).toMatchObject({
      error: { message: '${a b} is not a valid reference (use names, "." and [index])' },
    });
  });

  it('does not read inherited properties', () => {
    expect(interpolate('${constructor}', context)).toMatchObject({ ok: false });
    expect(interpolate('${train.toString}', context)).toMatchObject({ ok: false });
  });
});

describe('scopes', () => {
  it('let an inner scope shadow and extend an outer one', () => {
    const inner = scope({ item: { lr: 0.5 }, lr: 1 }, context);
    expect(interpolate('${item.lr} ${lr} ${name}', inner)).toEqual({
      ok: true,
      value: '0.5 1 net',
    });
    expect(interpolate('${nope}', inner)).toMatchObject({ ok: false });
  });
});

describe('getDotted', () => {
  it('walks nested mappings', () => {
    expect(getDotted(values, 'train.opts.beta')).toEqual({ found: true, value: 0.9 });
    expect(getDotted(values, 'train.nope')).toEqual({ found: false, value: undefined });
    expect(getDotted(values, 'lr.x')).toEqual({ found: false, value: undefined });
  });
});
