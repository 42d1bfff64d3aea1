import { posix } from 'node:path';
import type { OutputRef, ResolvedPipeline, ResolvedStage } from '../expand.ts';
import type { PathIndex } from '../path-index.ts';

export interface Produced {
  stage: ResolvedStage;
  out: OutputRef;
}

/** Every output of every resolved stage, by path, with lookups for deps. */
export class OutputIndex {
  readonly byPath = new Map<string, Produced>();
  readonly duplicates: { first: Produced; again: Produced }[] = [];
  #sorted: string[] | undefined;

  constructor(pipelines: readonly ResolvedPipeline[]) {
    for (const pipeline of pipelines) {
      for (const stage of pipeline.stages) {
        for (const out of stage.outs) {
          const first = this.byPath.get(out.path);
          if (first) this.duplicates.push({ first, again: { stage, out } });
          else this.byPath.set(out.path, { stage, out });
        }
      }
    }
  }

  /** The output that is `path` or contains it. */
  producerOf(path: string): Produced | undefined {
    for (let p = path; p !== '.' && p !== '/'; p = posix.dirname(p)) {
      const hit = this.byPath.get(p);
      if (hit) return hit;
    }
    return undefined;
  }

  /** The output strictly above `path`, if outputs overlap. */
  enclosing(path: string): Produced | undefined {
    const parent = posix.dirname(path);
    return parent === '.' ? undefined : this.producerOf(parent);
  }

  /** Outputs that lie inside the directory `dir`. */
  under(dir: string): Produced[] {
    this.#sorted ??= [...this.byPath.keys()].sort();
    const prefix = dir === '.' ? '' : dir + '/';
    let lo = 0;
    let hi = this.#sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#sorted[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    const found: Produced[] = [];
    for (let i = lo; i < this.#sorted.length && this.#sorted[i]!.startsWith(prefix); i++) {
      found.push(this.byPath.get(this.#sorted[i]!)!);
    }
    return found;
  }
}

export type Provenance =
  { kind: 'produced'; by: Produced[] } | { kind: 'tracked' } | { kind: 'missing' };

const GLOB = /[*?[]/;

/** Where a dependency comes from: a stage, git or a .dvc pointer, or nowhere. */
export function provenance(path: string, outputs: OutputIndex, worktree: PathIndex): Provenance {
  const producer = outputs.producerOf(path);
  if (producer) return { kind: 'produced', by: [producer] };
  if (GLOB.test(path)) {
    const segments = path.split('/');
    const staticPart =
      segments
        .slice(
          0,
          segments.findIndex((s) => GLOB.test(s)),
        )
        .join('/') || '.';
    return provenance(staticPart, outputs, worktree);
  }
  if (worktree.kind(path) !== undefined || worktree.container(path) !== undefined)
    return { kind: 'tracked' };
  const inside = outputs.under(path);
  if (inside.length > 0) return { kind: 'produced', by: inside };
  return { kind: 'missing' };
}
