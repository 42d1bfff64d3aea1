/** One reading of one GPU. */
export interface GpuSample {
  /** Milliseconds since the epoch when the line arrived. */
  t: number;
  uuid: string;
  utilization: number | null;
  memoryUsedMiB: number | null;
  powerW: number | null;
  temperatureC: number | null;
}

export interface GpuUsage {
  uuid: string;
  samples: number;
  /** Mean and peak of utilization.gpu (% of time a kernel ran), over samples that had it. */
  utilizationMean: number | null;
  utilizationPeak: number | null;
  memoryPeakMiB: number | null;
  powerMeanW: number | null;
  powerPeakW: number | null;
  temperaturePeakC: number | null;
  /** Energy by trapezoidal integration of power.draw over time, in watt-hours. */
  energyWh: number;
  /** Up to `maxPoints` (time s, utilization %) pairs for a chart, averaged into even buckets. */
  series: [number, number][];
}

class One {
  samples = 0;
  utilSum = 0;
  utilCount = 0;
  utilPeak: number | null = null;
  memPeak: number | null = null;
  powerSum = 0;
  powerCount = 0;
  powerPeak: number | null = null;
  tempPeak: number | null = null;
  energyWs = 0;
  lastPower: { t: number; w: number } | undefined;
  points: [number, number][] = [];
}

const max = (a: number | null, b: number | null) =>
  b === null ? a : a === null ? b : Math.max(a, b);

/**
 * Running statistics per GPU: constant memory whatever the length of the job, so a sampler can run
 * for days. The chart series keeps every point until `maxPoints`, then merges neighbours in pairs.
 */
export class GpuStats {
  readonly #gpus = new Map<string, One>();
  readonly #start: number;
  readonly #maxPoints: number;

  constructor(start: number, maxPoints = 240) {
    this.#start = start;
    this.#maxPoints = maxPoints;
  }

  add(s: GpuSample): void {
    let g = this.#gpus.get(s.uuid);
    if (!g) this.#gpus.set(s.uuid, (g = new One()));
    g.samples++;
    if (s.utilization !== null) {
      g.utilSum += s.utilization;
      g.utilCount++;
      g.utilPeak = max(g.utilPeak, s.utilization);
      g.points.push([(s.t - this.#start) / 1000, s.utilization]);
      if (g.points.length > this.#maxPoints) g.points = halve(g.points);
    }
    g.memPeak = max(g.memPeak, s.memoryUsedMiB);
    g.tempPeak = max(g.tempPeak, s.temperatureC);
    if (s.powerW !== null) {
      g.powerSum += s.powerW;
      g.powerCount++;
      g.powerPeak = max(g.powerPeak, s.powerW);
      if (g.lastPower && s.t > g.lastPower.t)
        g.energyWs += ((g.lastPower.w + s.powerW) / 2) * ((s.t - g.lastPower.t) / 1000);
      g.lastPower = { t: s.t, w: s.powerW };
    } else {
      g.lastPower = undefined; // a gap: do not integrate across it
    }
  }

  usage(): GpuUsage[] {
    return [...this.#gpus.entries()].map(([uuid, g]) => ({
      uuid,
      samples: g.samples,
      utilizationMean: g.utilCount ? round(g.utilSum / g.utilCount, 1) : null,
      utilizationPeak: g.utilPeak,
      memoryPeakMiB: g.memPeak,
      powerMeanW: g.powerCount ? round(g.powerSum / g.powerCount, 1) : null,
      powerPeakW: g.powerPeak,
      temperaturePeakC: g.tempPeak,
      energyWh: round(g.energyWs / 3600, 3),
      series: g.points.map(([t, u]) => [round(t, 1), round(u, 1)]),
    }));
  }
}

function halve(points: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < points.length; i += 2) {
    out.push([(points[i]![0] + points[i + 1]![0]) / 2, (points[i]![1] + points[i + 1]![1]) / 2]);
  }
  if (points.length % 2 === 1) out.push(points.at(-1)!);
  return out;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
