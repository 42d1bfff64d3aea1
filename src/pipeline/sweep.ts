import type { Sweep } from '../spec/schema/pipeline.ts';

export type Assignment = Record<string, string | number | boolean>;

/** sfc32: a small seeded generator, so a random sweep is the same sweep every time. */
export function seededRandom(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** The trials of a sweep: every combination for grid, `trials` draws for random. */
export function trialsOf(sweep: Sweep): Assignment[] {
  const names = Object.keys(sweep.params);
  if (sweep.method === 'grid') {
    let combos: Assignment[] = [{}];
    for (const name of names) {
      const space = sweep.params[name]!;
      if (!Array.isArray(space)) {
        throw new Error(`grid sweep param "${name}" needs a list of values, not a range`);
      }
      combos = combos.flatMap((c) => space.map((v) => ({ ...c, [name]: v })));
    }
    return combos;
  }
  const random = seededRandom(sweep.seed ?? 0);
  const trials: Assignment[] = [];
  const seen = new Set<string>();
  const count = sweep.trials ?? 10;
  for (let attempt = 0; trials.length < count && attempt < count * 20; attempt++) {
    const trial: Assignment = {};
    for (const name of names) {
      const space = sweep.params[name]!;
      if (Array.isArray(space)) trial[name] = space[Math.floor(random() * space.length)]!;
      else {
        const u = random();
        let v =
          space.log === true
            ? Math.exp(Math.log(space.min) + u * (Math.log(space.max) - Math.log(space.min)))
            : space.min + u * (space.max - space.min);
        v = space.integer === true ? Math.round(v) : Number(v.toPrecision(6));
        trial[name] = v;
      }
    }
    const key = JSON.stringify(trial);
    if (seen.has(key)) continue;
    seen.add(key);
    trials.push(trial);
  }
  return trials;
}

/** A trial's name, numbered from 1 and padded so names sort in trial order: `trial-01`. */
export function trialName(index: number, count: number): string {
  return `trial-${String(index + 1).padStart(Math.max(2, String(count).length), '0')}`;
}

export interface TrialResult {
  trial: number;
  params: Assignment;
  metric: number | null;
  status: 'ok' | 'failed';
}

/** Best first by the goal; failed trials and trials without the metric last, in trial order. */
export function leaderboard<T extends TrialResult>(
  results: readonly T[],
  goal: 'maximize' | 'minimize',
): T[] {
  const score = (r: T) =>
    r.status === 'ok' && r.metric !== null
      ? goal === 'maximize'
        ? -r.metric
        : r.metric
      : Infinity;
  return [...results].sort((a, b) => score(a) - score(b) || a.trial - b.trial);
}
