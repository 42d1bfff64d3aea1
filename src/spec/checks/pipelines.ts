import type { ResolvedPipeline, ResolvedStage } from '../expand.ts';
import type { LoadedRepo } from '../repo.ts';
import { didYouMean } from '../suggest.ts';
import { getDotted } from '../template.ts';
import type { YamlPath } from '../yaml-source.ts';
import { findCycles } from './graph.ts';
import type { Findings } from '../findings.ts';
import { where } from '../findings.ts';
import { OutputIndex, provenance } from './outputs.ts';
import { flattenKeys } from './keys.ts';

const NOT_FOUND_HINT =
  "commit it to git, track it with `gitops-ml data add`, or list it in a stage's outs";

function stageId(stage: ResolvedStage): string {
  return `${stage.pipeline}:${stage.name}`;
}

/** Outputs produced twice or nested in one another. */
function checkOutputs(outputs: OutputIndex, findings: Findings): void {
  for (const { first, again } of outputs.duplicates) {
    findings.error(
      again.stage.source,
      again.out.at,
      `output "${again.out.path}" is also produced by stage "${first.stage.name}" (${where(first.stage.source, first.out.at)})`,
      'duplicate-output',
    );
  }
  for (const [path, produced] of outputs.byPath) {
    const outer = outputs.enclosing(path);
    if (outer) {
      findings.error(
        produced.stage.source,
        produced.out.at,
        `output "${path}" lies inside output "${outer.out.path}" of stage "${outer.stage.name}" (${where(outer.stage.source, outer.out.at)}); outputs cannot overlap`,
        'overlapping-output',
      );
    }
  }
}

/** Every dependency comes from somewhere; the stage graph they make has no cycle. */
function checkDependencies(
  repo: LoadedRepo,
  pipelines: readonly ResolvedPipeline[],
  outputs: OutputIndex,
  findings: Findings,
  scope: PipelineScope,
): void {
  const edges = new Map<string, { to: ResolvedStage; at: YamlPath; path: string }[]>();
  const stages = pipelines.flatMap((p) => p.stages);
  for (const stage of stages) {
    const out: { to: ResolvedStage; at: YamlPath; path: string }[] = [];
    for (const dep of stage.deps) {
      const origin = provenance(dep.path, outputs, repo.worktree);
      if (origin.kind === 'missing') {
        if (!scope.complete) continue;
        const hint = didYouMean(dep.path, [
          ...repo.worktree.siblings(dep.path),
          ...outputs.byPath.keys(),
        ]);
        findings.error(
          stage.source,
          dep.at,
          hint
            ? `dependency "${dep.path}" is not produced by any stage, tracked by git, or tracked by a .dvc file${hint}`
            : `dependency "${dep.path}" is not produced by any stage, tracked by git, or tracked by a .dvc file; ${NOT_FOUND_HINT}`,
          'unknown-dependency',
        );
      } else if (origin.kind === 'produced') {
        for (const p of origin.by) out.push({ to: p.stage, at: dep.at, path: dep.path });
      }
    }
    edges.set(stageId(stage), out);
  }
  const byId = new Map(stages.map((s) => [stageId(s), s]));
  const cycles = findCycles(stages.map(stageId), (id) =>
    (edges.get(id) ?? []).map((e) => stageId(e.to)),
  );
  for (const cycle of cycles) {
    const first = byId.get(cycle[0]!)!;
    const next = cycle[1]!;
    const edge = (edges.get(cycle[0]!) ?? []).find((e) => stageId(e.to) === next)!;
    const names = cycle.map((id) => {
      const s = byId.get(id)!;
      return s.pipeline === first.pipeline ? s.name : id;
    });
    findings.error(
      first.source,
      edge.at,
      cycle.length === 2
        ? `stage "${first.name}" depends on its own output "${edge.path}"`
        : `the stage graph has a cycle: ${names.join(' → ')}`,
      'cycle',
    );
  }
}

/** Params named by stages exist in their params files. */
function checkParams(repo: LoadedRepo, stage: ResolvedStage, findings: Findings): void {
  for (const ref of stage.params) {
    const file = repo.params.get(ref.file);
    if (repo.broken.params.has(ref.file)) continue;
    if (!file) {
      findings.error(
        stage.source,
        ref.at,
        `params file "${ref.file}" does not exist`,
        'missing-file',
      );
      continue;
    }
    if (!getDotted(file.data, ref.key).found) {
      findings.error(
        stage.source,
        ref.at,
        `param "${ref.key}" is not in ${ref.file}${didYouMean(ref.key, flattenKeys(file.data))}`,
        'unknown-param',
      );
    }
  }
}

function checkRouting(repo: LoadedRepo, pipeline: ResolvedPipeline, findings: Findings): void {
  const runners = Object.keys(repo.config?.data.runners ?? {});
  const check = (name: string | undefined, source: ResolvedStage['source'], path: YamlPath) => {
    if (name === undefined || runners.includes(name) || repo.broken.config) return;
    findings.error(
      source,
      path,
      runners.length === 0
        ? `runner class "${name}" is not defined: gitops-ml.yaml has no "runners"`
        : `runner class "${name}" is not defined in gitops-ml.yaml${didYouMean(name, runners)}`,
      'unknown-runner',
    );
  };
  const spec = pipeline.spec;
  check(spec.data.runner, spec.source, ['runner']);
  if (spec.data.runner !== undefined && spec.data['runs-on'] !== undefined) {
    findings.error(
      spec.source,
      ['runner'],
      'use either "runner" or "runs-on", not both',
      'conflict',
      'key',
    );
  }
  const seen = new Set<string>();
  for (const stage of pipeline.stages) {
    if (seen.has(stage.key)) continue;
    seen.add(stage.key);
    check(stage.body.runner, stage.source, [...stage.at, 'runner']);
    if (stage.body.runner !== undefined && stage.body['runs-on'] !== undefined) {
      findings.error(
        stage.source,
        [...stage.at, 'runner'],
        'use either "runner" or "runs-on", not both',
        'conflict',
        'key',
      );
    }
    const runnerName = stage.body.runner ?? spec.data.runner ?? repo.config?.data.defaults?.runner;
    const runner = runnerName === undefined ? undefined : repo.config?.data.runners?.[runnerName];
    const wanted = gpuCount(stage.body.resources?.gpu);
    if (runner?.gpu !== undefined && wanted > gpuCount(runner.gpu)) {
      findings.error(
        stage.source,
        [...stage.at, 'resources', 'gpu'],
        `stage asks for ${wanted} GPUs but runner class "${runnerName}" has ${gpuCount(runner.gpu)}`,
        'gpu-request',
      );
    }
  }
}

function gpuCount(request: number | { count: number } | undefined): number {
  return request === undefined ? 0 : typeof request === 'number' ? request : request.count;
}

function checkRemotes(repo: LoadedRepo, stage: ResolvedStage, findings: Findings): void {
  const remotes = Object.keys(repo.config?.data.remotes ?? {});
  for (const out of stage.outs) {
    if (out.remote === undefined || remotes.includes(out.remote) || repo.broken.config) continue;
    findings.error(
      stage.source,
      [...out.at, 'remote'],
      `remote "${out.remote}" is not defined in gitops-ml.yaml${didYouMean(out.remote, remotes)}`,
      'unknown-remote',
    );
  }
}

/** Datasets resolve, and validation suites name datasets that exist. */
function checkDatasets(
  repo: LoadedRepo,
  pipeline: ResolvedPipeline,
  outputs: OutputIndex,
  findings: Findings,
  scope: PipelineScope,
): void {
  const { data, source } = pipeline.spec;
  const datasets = Object.keys(data.datasets ?? {});
  for (const [name, dataset] of Object.entries(data.datasets ?? {})) {
    if (scope.complete && provenance(dataset.path, outputs, repo.worktree).kind === 'missing') {
      findings.error(
        source,
        ['datasets', name, 'path'],
        `dataset "${name}": "${dataset.path}" is not produced by any stage, tracked by git, or tracked by a .dvc file; ${NOT_FOUND_HINT}`,
        'unknown-dataset-path',
      );
    }
  }
  const checkName = (name: string, path: YamlPath) => {
    if (datasets.includes(name) || pipeline.spec.partial === true) return;
    findings.error(
      source,
      path,
      datasets.length === 0
        ? `dataset "${name}" is not defined: the pipeline has no "datasets"`
        : `dataset "${name}" is not defined in "datasets"${didYouMean(name, datasets)}`,
      'unknown-dataset',
    );
  };
  (data.validation ?? []).forEach((suite, i) => {
    checkName(suite.dataset, ['validation', i, 'dataset']);
    (suite.checks ?? []).forEach((check, j) => {
      if (check.references)
        checkName(check.references.dataset, [
          'validation',
          i,
          'checks',
          j,
          'references',
          'dataset',
        ]);
    });
    if (
      scope.complete &&
      suite.drift &&
      provenance(suite.drift.reference, outputs, repo.worktree).kind === 'missing'
    ) {
      findings.error(
        source,
        ['validation', i, 'drift', 'reference'],
        `drift reference "${suite.drift.reference}" is not produced by any stage, tracked by git, or tracked by a .dvc file`,
        'unknown-dataset-path',
      );
    }
  });
}

function checkSweep(repo: LoadedRepo, pipeline: ResolvedPipeline, findings: Findings): void {
  const { data, source } = pipeline.spec;
  const sweep = data.sweep;
  if (!sweep) return;
  const fileName = pipeline.paramsFile;
  const file = repo.params.get(fileName);
  const used = new Set(pipeline.stages.flatMap((s) => s.params.map((p) => p.key)));
  for (const [key, space] of Object.entries(sweep.params)) {
    const at = ['sweep', 'params', key];
    if (!file || !getDotted(file.data, key).found) {
      findings.error(
        source,
        at,
        `sweep param "${key}" is not in ${fileName}${file ? didYouMean(key, flattenKeys(file.data)) : ''}`,
        'unknown-param',
        'key',
      );
    } else if (
      pipeline.spec.partial !== true &&
      !used.has(key) &&
      ![...used].some((u) => key.startsWith(u + '.'))
    ) {
      findings.warn(
        source,
        at,
        `sweep param "${key}" is not in any stage's "params", so changing it re-runs nothing`,
        'unused-param',
        'key',
      );
    }
    if (Array.isArray(space)) continue;
    if (sweep.method === 'grid') {
      findings.error(
        source,
        at,
        'a grid sweep needs a list of values; a {min, max} range is for method: random',
        'sweep',
        'key',
      );
    } else if (space.min >= space.max) {
      findings.error(
        source,
        at,
        `the range is empty: min ${space.min} is not below max ${space.max}`,
        'sweep',
        'key',
      );
    } else if (space.log === true && space.min <= 0) {
      findings.error(source, at, 'a log-scale range needs min above 0', 'sweep', 'key');
    }
  }
}

export interface PipelineScope {
  /** False when some pipeline or stage did not load: then an unknown dependency may be its output. */
  complete: boolean;
}

export function checkPipelines(
  repo: LoadedRepo,
  pipelines: readonly ResolvedPipeline[],
  findings: Findings,
  scope: PipelineScope,
): OutputIndex {
  const outputs = new OutputIndex(pipelines);
  checkOutputs(outputs, findings);
  checkDependencies(repo, pipelines, outputs, findings, scope);
  for (const pipeline of pipelines) {
    for (const stage of pipeline.stages) {
      checkParams(repo, stage, findings);
      checkRemotes(repo, stage, findings);
    }
    checkRouting(repo, pipeline, findings);
    checkDatasets(repo, pipeline, outputs, findings, scope);
    checkSweep(repo, pipeline, findings);
  }
  const config = repo.config;
  if (config) {
    const remotes = Object.keys(config.data.remotes ?? {});
    const remote = config.data.defaults?.remote;
    if (remote !== undefined && !remotes.includes(remote)) {
      findings.error(
        config.source,
        ['defaults', 'remote'],
        `remote "${remote}" is not defined in "remotes"${didYouMean(remote, remotes)}`,
        'unknown-remote',
      );
    }
    const runners = Object.keys(config.data.runners ?? {});
    const runner = config.data.defaults?.runner;
    if (runner !== undefined && !runners.includes(runner)) {
      findings.error(
        config.source,
        ['defaults', 'runner'],
        `runner class "${runner}" is not defined in "runners"${didYouMean(runner, runners)}`,
        'unknown-runner',
      );
    }
  }
  return outputs;
}
