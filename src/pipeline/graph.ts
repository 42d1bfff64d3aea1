import { UsageError } from '../errors.ts';
import { OutputIndex } from '../spec/checks/outputs.ts';
import type { ResolvedPipeline, ResolvedStage } from '../spec/expand.ts';
import { didYouMean } from '../spec/suggest.ts';

export const stageId = (s: ResolvedStage) => `${s.pipeline}:${s.name}`;

/** The stage graph of every pipeline: an edge from a stage to each stage whose output it reads. */
export class StageGraph {
  readonly stages: ResolvedStage[];
  readonly #byId = new Map<string, ResolvedStage>();
  readonly #upstream = new Map<string, Set<string>>();
  readonly #downstream = new Map<string, Set<string>>();

  constructor(pipelines: readonly ResolvedPipeline[]) {
    this.stages = pipelines.flatMap((p) => p.stages);
    const outputs = new OutputIndex(pipelines);
    for (const s of this.stages) {
      const id = stageId(s);
      this.#byId.set(id, s);
      this.#upstream.set(id, new Set());
      this.#downstream.set(id, new Set());
    }
    for (const s of this.stages) {
      for (const dep of s.deps) {
        const producers = [
          outputs.producerOf(dep.path)?.stage,
          ...outputs.under(dep.path).map((p) => p.stage),
        ];
        for (const p of producers) {
          if (!p || p === s) continue;
          this.#upstream.get(stageId(s))!.add(stageId(p));
          this.#downstream.get(stageId(p))!.add(stageId(s));
        }
      }
    }
  }

  get(id: string): ResolvedStage | undefined {
    return this.#byId.get(id);
  }

  /** The stages whose outputs stage `id` reads directly. */
  upstreamOf(id: string): ReadonlySet<string> {
    return this.#upstream.get(id) ?? new Set();
  }

  /** `ids` and everything they (transitively) read from, or feed into. */
  closure(ids: Iterable<string>, direction: 'upstream' | 'downstream'): Set<string> {
    const edges = direction === 'upstream' ? this.#upstream : this.#downstream;
    const seen = new Set<string>();
    const stack = [...ids];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      stack.push(...(edges.get(id) ?? []));
    }
    return seen;
  }

  /** Topological order of `ids`, ties broken by declaration order (stable). */
  order(ids: ReadonlySet<string>): ResolvedStage[] {
    const position = new Map(this.stages.map((s, i) => [stageId(s), i]));
    const indegree = new Map<string, number>();
    for (const id of ids)
      indegree.set(id, [...this.#upstream.get(id)!].filter((u) => ids.has(u)).length);
    const ready = [...ids].filter((id) => indegree.get(id) === 0);
    const out: ResolvedStage[] = [];
    while (ready.length > 0) {
      ready.sort((a, b) => position.get(a)! - position.get(b)!);
      const id = ready.shift()!;
      out.push(this.#byId.get(id)!);
      for (const d of this.#downstream.get(id)!) {
        if (!ids.has(d)) continue;
        const n = indegree.get(d)! - 1;
        indegree.set(d, n);
        if (n === 0) ready.push(d);
      }
    }
    return out;
  }
}

export interface Selection {
  pipelines: readonly string[];
  /** A stage name (`train`, or `train@a`; `train` selects every `train@…`), or `pipeline:stage`. */
  stage?: string | undefined;
  downstream?: boolean | undefined;
}

/**
 * The stages a `run` covers, in order. Pipelines: all their stages and what they read from.
 * `--stage s`: s and what it reads from (DVC's `repro s`). With `--downstream`: s and what reads
 * from it, without its upstream (DVC's `repro --downstream s`).
 */
export function selectStages(
  graph: StageGraph,
  pipelines: readonly ResolvedPipeline[],
  selection: Selection,
): ResolvedStage[] {
  const known = pipelines.map((p) => p.name);
  for (const name of selection.pipelines) {
    if (!known.includes(name))
      throw new UsageError(`pipeline "${name}" does not exist${didYouMean(name, known)}`, {
        hint: `pipelines: ${known.join(', ') || 'none'}`,
      });
  }
  const chosen = selection.pipelines.length
    ? pipelines.filter((p) => selection.pipelines.includes(p.name))
    : pipelines;
  let roots: string[];
  if (selection.stage !== undefined) {
    const [pipelinePart, stagePart] = selection.stage.includes(':')
      ? selection.stage.split(':', 2)
      : [undefined, selection.stage];
    const scope =
      pipelinePart === undefined ? chosen : pipelines.filter((p) => p.name === pipelinePart);
    const stages = scope.flatMap((p) => p.stages);
    const matched = stages.filter((s) => s.name === stagePart || s.key === stagePart);
    if (matched.length === 0) {
      throw new UsageError(
        `stage "${selection.stage}" does not exist${didYouMean(stagePart, [...new Set(stages.flatMap((s) => [s.name, s.key]))])}`,
      );
    }
    const owners = new Set(matched.map((s) => s.pipeline));
    if (owners.size > 1)
      throw new UsageError(
        `stage "${stagePart}" is in several pipelines (${[...owners].join(', ')}): name one, as pipeline:stage`,
      );
    roots = matched.map(stageId);
  } else {
    roots = chosen.flatMap((p) => p.stages.map(stageId));
  }
  const ids =
    selection.downstream === true
      ? graph.closure(roots, 'downstream')
      : graph.closure(roots, 'upstream');
  return graph.order(ids);
}
