// Two-sample statistics over counts: the math of drift, with no I/O. Units are stated where a
// statistic has them (docs/adr/0021-drift-defaults-and-units.md).

/** Proportions of counts; all zeros stays all zeros. */
function proportions(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (total > 0 ? c / total : 0));
}

/**
 * Jensen–Shannon *distance* with the natural log: sqrt of the JS divergence in nats, in
 * [0, sqrt(ln 2) ≈ 0.8326]. This is scipy.spatial.distance.jensenshannon and Evidently's
 * `jensenshannon`; TFDV's threshold is a divergence in bits (divergence_bits = distance² / ln 2).
 */
export function jensenShannonDistance(
  reference: readonly number[],
  current: readonly number[],
): number {
  const p = proportions(reference);
  const q = proportions(current);
  let divergence = 0;
  for (let i = 0; i < p.length; i++) {
    const m = (p[i]! + q[i]!) / 2;
    if (p[i]! > 0) divergence += 0.5 * p[i]! * Math.log(p[i]! / m);
    if (q[i]! > 0) divergence += 0.5 * q[i]! * Math.log(q[i]! / m);
  }
  return Math.sqrt(Math.max(0, divergence));
}

/** Population stability index, natural log; empty bins count as a share of 0.0001 (as Evidently). */
export function populationStabilityIndex(
  reference: readonly number[],
  current: readonly number[],
): number {
  const p = proportions(reference).map((x) => (x === 0 ? 0.0001 : x));
  const q = proportions(current).map((x) => (x === 0 ? 0.0001 : x));
  let psi = 0;
  for (let i = 0; i < p.length; i++) psi += (q[i]! - p[i]!) * Math.log(q[i]! / p[i]!);
  return psi;
}

/**
 * Chi-squared test of homogeneity on a 2×k table (reference counts, current counts): the p-value.
 * Categories empty on both sides are dropped; fewer than two categories left means no evidence of
 * a difference (p = 1).
 */
export function chiSquaredPValue(reference: readonly number[], current: readonly number[]): number {
  const cells: [number, number][] = [];
  for (let i = 0; i < reference.length; i++) {
    if (reference[i]! + current[i]! > 0) cells.push([reference[i]!, current[i]!]);
  }
  const nRef = cells.reduce((a, c) => a + c[0], 0);
  const nCur = cells.reduce((a, c) => a + c[1], 0);
  if (cells.length < 2 || nRef === 0 || nCur === 0) return 1;
  const total = nRef + nCur;
  let statistic = 0;
  for (const [r, c] of cells) {
    const column = r + c;
    const eRef = (nRef * column) / total;
    const eCur = (nCur * column) / total;
    statistic += (r - eRef) ** 2 / eRef + (c - eCur) ** 2 / eCur;
  }
  return chiSquaredSurvival(statistic, cells.length - 1);
}

/** P(X ≥ x) for X ~ χ²(dof). */
export function chiSquaredSurvival(x: number, dof: number): number {
  if (x <= 0) return 1;
  return regularizedGammaQ(dof / 2, x / 2);
}

const LANCZOS = [
  676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = 0.99999999999980993;
  for (let i = 0; i < LANCZOS.length; i++) a += LANCZOS[i]! / (z + i + 1);
  const t = z + LANCZOS.length - 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Q(a, x) = Γ(a, x) / Γ(a): series below a + 1, continued fraction above (Numerical Recipes). */
export function regularizedGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lnPrefix = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return Math.max(0, 1 - sum * Math.exp(lnPrefix));
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.min(1, Math.exp(lnPrefix) * h);
}

/** The Kolmogorov–Smirnov statistic D from both CDFs evaluated at the same points. */
export function ksStatistic(
  referenceCdf: readonly number[],
  currentCdf: readonly number[],
): number {
  let d = 0;
  for (let i = 0; i < referenceCdf.length; i++)
    d = Math.max(d, Math.abs(referenceCdf[i]! - currentCdf[i]!));
  return d;
}

/** Exact two-sided p-value of D for samples of n and m, by counting lattice paths (n·m steps). */
export function ksExactPValue(d: number, n: number, m: number): number {
  // A path from (0,0) to (n,m) stays inside when |i/n - j/m| < d at every point, i.e.
  // |i·m - j·n| < d·n·m. D is a multiple of 1/(n·m) up to rounding, so compare in integers.
  const limit = Math.round(d * n * m);
  let row = new Float64Array(m + 1);
  row[0] = 1;
  for (let j = 1; j <= m; j++) row[j] = Math.abs(j * n) < limit ? row[j - 1]! : 0;
  for (let i = 1; i <= n; i++) {
    const next = new Float64Array(m + 1);
    next[0] = Math.abs(i * m) < limit ? row[0]! : 0;
    for (let j = 1; j <= m; j++) {
      if (Math.abs(i * m - j * n) >= limit) continue;
      // Probabilities of reaching (i, j) by a uniformly random path: weights i/(i+j) and j/(i+j).
      next[j] = (row[j]! * i + next[j - 1]! * j) / (i + j);
    }
    row = next;
  }
  return Math.min(1, Math.max(0, 1 - row[m]!));
}

/** Asymptotic two-sided p-value (Kolmogorov distribution, Stephens' small-sample correction). */
export function ksAsymptoticPValue(d: number, n: number, m: number): number {
  const en = Math.sqrt((n * m) / (n + m));
  const lambda = (en + 0.12 + 0.11 / en) * d;
  if (lambda < 1e-3) return 1;
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = 2 * (k % 2 === 1 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-12) break;
  }
  return Math.min(1, Math.max(0, sum));
}

/** Exact p-value while n·m is small enough to count paths, the asymptotic one above it. */
export function ksPValue(d: number, n: number, m: number): number {
  if (n === 0 || m === 0) return 1;
  return n * m <= 4_000_000 ? ksExactPValue(d, n, m) : ksAsymptoticPValue(d, n, m);
}

export interface Tails {
  /** Σ(e0 − x) over values below the first edge, per side. */
  referenceBelow: number;
  currentBelow: number;
  /** Σ(x − ek) over values above the last edge, per side. */
  referenceAbove: number;
  currentAbove: number;
}

/**
 * Wasserstein-1 distance (the area between the two CDFs) from counts in the same bins: bin 0 is
 * (−∞, e0], bin i is (e(i−1), ei], the last (ek, ∞). Between edges both CDFs are interpolated
 * linearly, so the error there is at most Σ width × |difference in bin mass|, small where edges
 * are reference quantiles and zero for a value that has a bin of its own. Beyond the outer edges
 * each side's area comes from its partial expectation (`tails`), exact unless the CDFs cross there.
 */
export function binnedWasserstein(
  edges: readonly number[],
  reference: readonly number[],
  current: readonly number[],
  tails: Tails,
): number {
  const nRef = reference.reduce((a, b) => a + b, 0);
  const nCur = current.reduce((a, b) => a + b, 0);
  if (nRef === 0 || nCur === 0) return 0;
  let fp = reference[0]! / nRef;
  let fq = current[0]! / nCur;
  let area =
    Math.abs(tails.referenceBelow / nRef - tails.currentBelow / nCur) +
    Math.abs(tails.referenceAbove / nRef - tails.currentAbove / nCur);
  for (let i = 1; i < edges.length; i++) {
    const width = edges[i]! - edges[i - 1]!;
    const d0 = fp - fq;
    fp += reference[i]! / nRef;
    fq += current[i]! / nCur;
    const d1 = fp - fq;
    if (width <= 0) continue;
    area +=
      Math.sign(d0) * Math.sign(d1) >= 0
        ? ((Math.abs(d0) + Math.abs(d1)) / 2) * width
        : ((d0 * d0 + d1 * d1) / (2 * (Math.abs(d0) + Math.abs(d1)))) * width;
  }
  return area;
}

/** The next double below `x` (for bins that hold exactly one value). */
export function nextDown(x: number): number {
  if (Number.isNaN(x) || x === -Infinity) return x;
  if (x === 0) return -Number.MIN_VALUE;
  const buffer = new DataView(new ArrayBuffer(8));
  buffer.setFloat64(0, x);
  const bits = buffer.getBigInt64(0);
  buffer.setBigInt64(0, x > 0 ? bits - 1n : bits + 1n);
  return buffer.getFloat64(0);
}

/** Round to 10 significant digits: parallel floating-point sums differ in the last bits. */
export function stable(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(10)) : x;
}
