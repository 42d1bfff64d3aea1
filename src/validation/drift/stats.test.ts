import { describe, expect, it } from 'vitest';
import {
  binnedWasserstein,
  chiSquaredPValue,
  chiSquaredSurvival,
  jensenShannonDistance,
  ksAsymptoticPValue,
  ksExactPValue,
  ksPValue,
  nextDown,
  populationStabilityIndex,
  stable,
} from './stats.ts';

// Expected values from scipy 1.10 (ks_2samp, chi2.sf, chi2_contingency(correction=False),
// spatial.distance.jensenshannon, wasserstein_distance).
describe('drift statistics', () => {
  it('KS: exact p-values for small samples, asymptotic for large', () => {
    expect(ksExactPValue(0.6, 10, 10)).toBeCloseTo(0.05244755244755244, 12);
    expect(ksExactPValue(6 / 7, 5, 7)).toBeCloseTo(0.01515151515151515, 12);
    expect(ksExactPValue(0.2, 300, 200)).toBeCloseTo(0.00011771628203287246, 10);
    // The asymptotic form (used above 4 million pairs) is within 10 % of exact here already.
    const ratio = ksAsymptoticPValue(0.2, 300, 200) / 0.00011771628203287246;
    expect(Math.abs(1 - ratio)).toBeLessThan(0.1);
    expect(ksPValue(0, 10, 10)).toBe(1);
    expect(ksPValue(0.5, 0, 10)).toBe(1);
  });

  it('chi-squared: survival function and the test of homogeneity', () => {
    expect(chiSquaredSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 12);
    expect(chiSquaredSurvival(18.307038053275146, 10)).toBeCloseTo(0.05, 12);
    expect(chiSquaredSurvival(100, 50)).toBeCloseTo(3.454931382984871e-5, 15);
    expect(chiSquaredSurvival(0.5, 3)).toBeCloseTo(0.9188914116546758, 12);
    expect(chiSquaredPValue([10, 20, 30], [20, 20, 10])).toBeCloseTo(0.0019038276076954943, 12);
    // A category absent from one side is fine in a 2×k table.
    expect(chiSquaredPValue([50, 0], [40, 10])).toBeCloseTo(0.0008581206663936758, 12);
    expect(chiSquaredPValue([5, 0], [7, 0])).toBe(1);
  });

  it('Jensen–Shannon distance in natural log, bounded by sqrt(ln 2)', () => {
    expect(jensenShannonDistance([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(0.3262516441126745, 12);
    expect(jensenShannonDistance([1, 0], [0, 1])).toBeCloseTo(Math.sqrt(Math.LN2), 12);
    expect(jensenShannonDistance([3, 3], [30, 30])).toBe(0);
  });

  it('PSI with empty bins taken as 0.0001', () => {
    expect(populationStabilityIndex([50, 50], [50, 50])).toBe(0);
    const expected = (0.9 - 0.5) * Math.log(0.9 / 0.5) + (0.1 - 0.5) * Math.log(0.1 / 0.5);
    expect(populationStabilityIndex([50, 50], [90, 10])).toBeCloseTo(expected, 12);
    const empty = (0.0001 - 0.5) * Math.log(0.0001 / 0.5) + (1 - 0.5) * Math.log(1 / 0.5);
    expect(populationStabilityIndex([50, 50], [0, 10])).toBeCloseTo(empty, 12);
  });

  it('Wasserstein from bins: exact for point masses, tails from partial sums', () => {
    // {0,1,2,3} against {5,6,7,8}: scipy 5.0. Reference values each in a bin of its own; the
    // current values lie above the last edge, so their area is the tail sum Σ(x − 3) / 4.
    const edges = [nextDown(0), 0, nextDown(1), 1, nextDown(2), 2, nextDown(3), 3];
    const reference = [0, 1, 0, 1, 0, 1, 0, 1, 0];
    const current = [0, 0, 0, 0, 0, 0, 0, 0, 4];
    const tails = {
      referenceBelow: 0,
      referenceAbove: 0,
      currentBelow: 0,
      currentAbove: 2 + 3 + 4 + 5,
    };
    expect(binnedWasserstein(edges, reference, current, tails)).toBeCloseTo(5, 9);
    expect(binnedWasserstein(edges, reference, reference, { ...tails, currentAbove: 0 })).toBe(0);
  });

  it('rounds to 10 significant digits, so parallel sums print the same', () => {
    expect(stable(98.21496030000178)).toBe(stable(98.21496030000435));
    expect(nextDown(1)).toBe(0.9999999999999999);
    expect(nextDown(-1)).toBeLessThan(-1);
  });
});
