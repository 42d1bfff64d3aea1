import { isWithin } from '../spec/path-index.ts';
import type { ResolvedPipeline, ResolvedStage } from '../spec/expand.ts';
import type { LoadedRepo } from '../spec/repo.ts';
import { getDotted } from '../spec/template.ts';

/** A side of the comparison: the specs as loaded and resolved at one revision. */
export interface Side {
  repo: LoadedRepo;
  pipelines: ReadonlyMap<string, ResolvedPipeline>;
}

export interface Affected {
  pipeline: string;
  reasons: string[];
}

/** What a stage is, for comparison: its command, paths, and the values of the params it reads. */
function fingerprint(stage: ResolvedStage, repo: LoadedRepo): string {
  return JSON.stringify({
    cmd: stage.cmd,
    wdir: stage.wdir,
    deps: stage.deps.map((d) => d.path),
    outs: stage.outs.map((o) => [o.path, o.kind, o.cache, o.persist]),
    params: stage.params.map((p) => [
      p.file,
      p.key,
      getDotted(repo.params.get(p.file)?.data, p.key).value,
    ]),
    frozen: stage.body.frozen ?? false,
    always: stage.body.always_changed ?? false,
  });
}

const GLOB_SPECIAL = /[*?[\]{}]/;

/** A glob as a RegExp: `*` within a segment, `**` across segments, `?` one character. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function touches(changed: readonly string[], path: string): string | undefined {
  if (GLOB_SPECIAL.test(path)) {
    const re = globToRegExp(path);
    return changed.find((f) => re.test(f));
  }
  return changed.find((f) => isWithin(f, path) || isWithin(path, f) || f === `${path}.dvc`);
}

/**
 * Pipelines a change affects: a stage added, removed or redefined (command, paths, params values
 * it reads — so editing an unrelated key of params.yaml affects nothing), a changed dependency
 * (a file, a file inside a dependency directory, or its .dvc pointer), a changed `triggers.paths`
 * glob; then every stage that reads an output of an affected stage, across pipelines.
 */
export function affectedPipelines(
  base: Side | undefined,
  head: Side,
  changedFiles: readonly string[],
): Affected[] {
  const reasons = new Map<string, string[]>();
  const add = (p: string, r: string) => {
    const list = reasons.get(p) ?? [];
    if (!list.includes(r)) list.push(r);
    reasons.set(p, list);
  };
  const affected = new Set<ResolvedStage>();
  for (const [name, pipeline] of head.pipelines) {
    const before = base?.pipelines.get(name);
    if (!before) {
      add(name, 'new pipeline');
      pipeline.stages.forEach((s) => affected.add(s));
      continue;
    }
    const old = new Map(before.stages.map((s) => [s.name, fingerprint(s, base!.repo)]));
    for (const stage of pipeline.stages) {
      const was = old.get(stage.name);
      old.delete(stage.name);
      if (was === undefined) add(name, `stage ${stage.name} added`);
      else if (was !== fingerprint(stage, head.repo)) add(name, `stage ${stage.name} changed`);
      else {
        const file = stage.deps
          .map((d) => touches(changedFiles, d.path))
          .find((f) => f !== undefined);
        if (!file) continue;
        add(name, `${file} changed (a dependency of ${stage.name})`);
      }
      affected.add(stage);
    }
    for (const gone of old.keys()) add(name, `stage ${gone} removed`);
    for (const glob of pipeline.spec.data.triggers?.paths ?? []) {
      const file = touches(changedFiles, glob);
      if (!file) continue;
      add(name, `${file} changed (matches triggers.paths ${glob})`);
      pipeline.stages.forEach((s) => affected.add(s));
    }
  }
  // Downstream, across pipelines: a stage that reads what an affected stage writes.
  const stages = [...head.pipelines.values()].flatMap((p) => p.stages);
  let grew = true;
  while (grew) {
    grew = false;
    for (const stage of stages) {
      if (affected.has(stage)) continue;
      const upstream = [...affected].find((a) =>
        a.outs.some((o) =>
          stage.deps.some((d) => isWithin(d.path, o.path) || isWithin(o.path, d.path)),
        ),
      );
      if (!upstream) continue;
      affected.add(stage);
      grew = true;
      if (upstream.pipeline !== stage.pipeline)
        add(
          stage.pipeline,
          `upstream pipeline ${upstream.pipeline} is affected (${stage.deps.find((d) => upstream.outs.some((o) => isWithin(d.path, o.path) || isWithin(o.path, d.path)))!.path})`,
        );
    }
  }
  return [...head.pipelines.keys()]
    .filter((n) => reasons.has(n))
    .map((pipeline) => ({ pipeline, reasons: reasons.get(pipeline)! }));
}
