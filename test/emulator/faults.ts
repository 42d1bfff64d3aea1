/**
 * Fault injection. A fault is decided before a request is handled; `lost-reply` is the one that
 * lets the write happen and then answers 502, as a proxy that drops a reply would.
 */
export type FaultKind =
  | 'server-error'
  | 'bad-gateway'
  | 'secondary-rate-limit'
  | 'too-many-requests'
  | 'slow'
  | 'lost-reply';

export interface FaultPlan {
  /** Probability, 0..1, that a request gets a fault. */
  rate: number;
  kinds: readonly FaultKind[];
  /** Seed of the pseudo-random sequence, so a failing run can be replayed. */
  seed?: number;
  /** Also fail git HTTP requests (with 500), not only the REST API. */
  git?: boolean;
  /** Seconds in the retry-after header of rate-limit replies (default 1). */
  retryAfterSeconds?: number;
  /** Delay of a slow reply in ms (default 300). */
  slowMs?: number;
}

export type RequestMatcher = (method: string, path: string) => boolean;

/** mulberry32: a tiny seeded generator, enough to make fault sequences reproducible. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Faults {
  #plan: FaultPlan | undefined;
  #next: () => number = random(1);
  #queue: { kind: FaultKind; match: RequestMatcher | undefined }[] = [];
  /** How many faults were injected, by kind. */
  readonly injected = new Map<FaultKind, number>();

  /** Fail a share of all requests from now on. */
  inject(plan: FaultPlan): void {
    this.#plan = plan;
    this.#next = random(plan.seed ?? 1);
  }

  /** Fail the next `count` requests that match (all requests when no matcher is given). */
  failNext(kind: FaultKind, options: { count?: number; match?: RequestMatcher } = {}): void {
    for (let i = 0; i < (options.count ?? 1); i++) this.#queue.push({ kind, match: options.match });
  }

  clear(): void {
    this.#plan = undefined;
    this.#queue = [];
  }

  get retryAfterSeconds(): number {
    return this.#plan?.retryAfterSeconds ?? 1;
  }

  get slowMs(): number {
    return this.#plan?.slowMs ?? 300;
  }

  /** The fault for this request, if any. */
  pick(method: string, path: string, kind: 'rest' | 'git'): FaultKind | undefined {
    const queued = this.#queue.findIndex((q) => !q.match || q.match(method, path));
    if (queued >= 0) return this.#count(this.#queue.splice(queued, 1)[0]!.kind);
    const plan = this.#plan;
    if (!plan || (kind === 'git' && !plan.git) || plan.kinds.length === 0) return undefined;
    if (this.#next() >= plan.rate) return undefined;
    let chosen = plan.kinds[Math.floor(this.#next() * plan.kinds.length)]!;
    if (kind === 'git') chosen = 'server-error';
    if (chosen === 'lost-reply' && method === 'GET') chosen = 'bad-gateway';
    return this.#count(chosen);
  }

  #count(kind: FaultKind): FaultKind {
    this.injected.set(kind, (this.injected.get(kind) ?? 0) + 1);
    return kind;
  }
}
