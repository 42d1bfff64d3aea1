import { describe, expect, it } from 'vitest';
import { floatRepr, pyRound, pyStr, PyFloat, subtract } from './pyvalue.ts';

describe('Python number formatting', () => {
  it('matches repr(float)', () => {
    const cases: [number, string][] = [
      [0.1, '0.1'],
      [1, '1.0'],
      [-0.5, '-0.5'],
      [1e-5, '1e-05'],
      [0.0001, '0.0001'],
      [1e16, '1e+16'],
      [1234567890123456, '1234567890123456.0'],
      [123.456, '123.456'],
      [1.5e300, '1.5e+300'],
      [5e-324, '5e-324'],
      [0.09999999999999998, '0.09999999999999998'],
      [2.5e-7, '2.5e-07'],
    ];
    for (const [x, repr] of cases) expect(floatRepr(x), String(x)).toBe(repr);
  });

  it('matches round(x, n): nearest to the exact binary value, ties to even', () => {
    expect(pyRound(2.675, 2)).toBe(2.67);
    expect(pyRound(0.125, 2)).toBe(0.12);
    expect(pyRound(0.375, 2)).toBe(0.38);
    expect(pyRound(0.09999999999999998, 5)).toBe(0.1);
    expect(pyRound(1.0000001, 5)).toEqual(new PyFloat(1));
    expect(pyRound(-1.23456789, 3)).toBe(-1.235);
  });

  it('prints values as str() does and subtracts with Python typing', () => {
    expect(pyStr([1, 'a', true, null, new PyFloat(2)])).toBe("[1, 'a', True, None, 2.0]");
    expect(pyStr({ "it's": 'x' })).toBe(`{"it's": 'x'}`);
    expect(subtract(3, 1)).toBe(2);
    expect(subtract(new PyFloat(3), 1)).toEqual(new PyFloat(2));
  });
});
