import type { ResolvedPipeline } from '../expand.ts';
import { isWithin } from '../path-index.ts';
import type { LoadedRepo, SpecFile } from '../repo.ts';
import type { Gate, Model } from '../schema/model.ts';
import { didYouMean } from '../suggest.ts';
import type { YamlPath } from '../yaml-source.ts';
import { findCycles } from './graph.ts';
import type { Findings } from '../findings.ts';
import type { OutputIndex } from './outputs.ts';

/** Metrics a model declares: its primary metric and the tracked ones. */
export function declaredMetrics(model: Model): string[] {
  return [model.metrics.primary, ...Object.keys(model.metrics.tracked ?? {})];
}

function checkPipelineAndArtifact(
  repo: LoadedRepo,
  model: SpecFile<Model>,
  pipelines: ReadonlyMap<string, ResolvedPipeline>,
  outputs: OutputIndex,
  findings: Findings,
): void {
  const { data, source } = model;
  const pipeline = pipelines.get(data.pipeline);
  if (!pipeline && repo.broken.pipelines.has(data.pipeline)) return;
  if (!pipeline) {
    findings.error(
      source,
      ['pipeline'],
      `pipeline "${data.pipeline}" does not exist${didYouMean(data.pipeline, pipelines.keys())}`,
      'unknown-pipeline',
    );
    return;
  }
  // Part of the pipeline did not load: its outputs and datasets are not all known.
  if (pipeline.spec.partial === true || !pipeline.exact) return;
  const producer = outputs.producerOf(data.artifact);
  if (!producer || producer.stage.pipeline !== pipeline.name) {
    const elsewhere = producer ? ` (it is produced by pipeline "${producer.stage.pipeline}")` : '';
    const outs = pipeline.stages.flatMap((s) =>
      s.outs.filter((o) => o.kind === 'out').map((o) => o.path),
    );
    findings.error(
      source,
      ['artifact'],
      `artifact "${data.artifact}" is not an output of any stage of pipeline "${pipeline.name}"${elsewhere}` +
        (outs.length > 0
          ? `${didYouMean(data.artifact, outs)}; its outputs: ${outs.slice(0, 8).join(', ')}`
          : ''),
      'artifact-not-output',
    );
  }
  const metricFiles = pipeline.stages.flatMap((s) =>
    s.outs.filter((o) => o.kind === 'metric').map((o) => o.path),
  );
  const file = data.metrics.file;
  if (file !== undefined) {
    if (!metricFiles.some((m) => isWithin(file, m))) {
      findings.error(
        source,
        ['metrics', 'file'],
        `"${file}" is not a metrics output of pipeline "${pipeline.name}"${didYouMean(file, metricFiles)}` +
          (metricFiles.length ? `; its metrics: ${metricFiles.join(', ')}` : ''),
        'unknown-metrics-file',
      );
    }
  } else if (metricFiles.length === 0) {
    findings.error(
      source,
      ['metrics'],
      `pipeline "${pipeline.name}" has no stage with "metrics": add one so "${data.metrics.primary}" can be read`,
      'no-metrics',
      'key',
    );
  } else if (metricFiles.length > 1) {
    findings.error(
      source,
      ['metrics'],
      `pipeline "${pipeline.name}" writes several metrics files (${metricFiles.join(', ')}): set "metrics.file"`,
      'ambiguous-metrics',
      'key',
    );
  }
  if (data.monitor?.dataset !== undefined) {
    const datasets = Object.keys(pipeline.spec.data.datasets ?? {});
    if (!datasets.includes(data.monitor.dataset)) {
      findings.error(
        source,
        ['monitor', 'dataset'],
        `dataset "${data.monitor.dataset}" is not defined in pipeline "${pipeline.name}"${didYouMean(data.monitor.dataset, datasets)}`,
        'unknown-dataset',
      );
    }
  }
}

function checkGates(
  model: SpecFile<Model>,
  gates: readonly Gate[],
  base: YamlPath,
  findings: Findings,
): void {
  const metrics = declaredMetrics(model.data);
  const targets = ['base', ...Object.keys(model.data.environments)];
  gates.forEach((gate, i) => {
    if (!metrics.includes(gate.metric)) {
      findings.error(
        model.source,
        [...base, i, 'metric'],
        `gate metric "${gate.metric}" is not declared: add it to "metrics.tracked"${didYouMean(gate.metric, metrics)}`,
        'undeclared-metric',
      );
    }
    if (gate.notWorseThan !== undefined && !targets.includes(gate.notWorseThan)) {
      findings.error(
        model.source,
        [...base, i, 'notWorseThan'],
        `"${gate.notWorseThan}" is neither "base" nor an environment of this model${didYouMean(gate.notWorseThan, targets)}`,
        'unknown-environment',
      );
    }
  });
}

function checkEnvironments(model: SpecFile<Model>, repo: LoadedRepo, findings: Findings): void {
  const { data, source } = model;
  const names = Object.keys(data.environments);
  const after = (env: string): string[] => {
    const a = data.environments[env]?.after;
    return a === undefined ? [] : typeof a === 'string' ? [a] : a;
  };
  for (const env of names) {
    const list = data.environments[env]!.after;
    after(env).forEach((target, i) => {
      if (!names.includes(target)) {
        const path =
          typeof list === 'string'
            ? ['environments', env, 'after']
            : ['environments', env, 'after', i];
        findings.error(
          source,
          path,
          `environment "${target}" is not defined for this model${didYouMean(target, names)}`,
          'unknown-environment',
        );
      }
    });
    checkGates(
      model,
      data.environments[env]!.gates ?? [],
      ['environments', env, 'gates'],
      findings,
    );
    const deploy = data.environments[env]!.deploy;
    if (deploy && 'manifest' in deploy && repo.worktree.kind(deploy.manifest) === undefined) {
      findings.error(
        source,
        ['environments', env, 'deploy', 'manifest'],
        `deploy manifest "${deploy.manifest}" does not exist (or is ignored by git)`,
        'missing-file',
      );
    }
  }
  const known = names.filter((n) => after(n).every((a) => names.includes(a)));
  for (const cycle of findCycles(known, (n) => after(n).filter((a) => names.includes(a)))) {
    findings.error(
      source,
      ['environments', cycle[0]!, 'after'],
      cycle.length === 2
        ? `environment "${cycle[0]}" cannot come after itself`
        : `environment order has a cycle: ${cycle.join(' → ')}`,
      'cycle',
    );
  }
}

export function checkModels(
  repo: LoadedRepo,
  pipelines: ReadonlyMap<string, ResolvedPipeline>,
  outputs: OutputIndex,
  findings: Findings,
): void {
  for (const model of repo.models) {
    const { data, source } = model;
    checkPipelineAndArtifact(repo, model, pipelines, outputs, findings);
    const tracked = data.metrics.tracked?.[data.metrics.primary];
    if (tracked !== undefined && tracked !== data.metrics.goal) {
      findings.error(
        source,
        ['metrics', 'tracked', data.metrics.primary],
        `the primary metric "${data.metrics.primary}" is to ${data.metrics.goal}, not ${tracked}`,
        'conflict',
      );
    }
    checkGates(model, data.gates ?? [], ['gates'], findings);
    checkEnvironments(model, repo, findings);
    if (data.card?.template !== undefined && repo.worktree.kind(data.card.template) === undefined) {
      findings.error(
        source,
        ['card', 'template'],
        `card template "${data.card.template}" does not exist`,
        'missing-file',
      );
    }
  }
  // A sweep optimises the model's primary metric unless it names one.
  for (const pipeline of pipelines.values()) {
    const sweep = pipeline.spec.data.sweep;
    if (!sweep) continue;
    const users = repo.models.filter((m) => m.data.pipeline === pipeline.name);
    if (sweep.metric === undefined && users.length === 0) {
      findings.error(
        pipeline.spec.source,
        ['sweep'],
        'the sweep needs "metric" and "goal": no model uses this pipeline to supply its primary metric',
        'missing-key',
        'key',
      );
    } else if (sweep.goal === undefined && users.length === 0) {
      findings.error(
        pipeline.spec.source,
        ['sweep', 'metric'],
        'the sweep needs "goal" (maximize or minimize): no model uses this pipeline to supply it',
        'missing-key',
        'key',
      );
    }
    if (sweep.metric !== undefined && users.length > 0) {
      const metrics = users.flatMap((m) => declaredMetrics(m.data));
      if (!metrics.includes(sweep.metric)) {
        findings.error(
          pipeline.spec.source,
          ['sweep', 'metric'],
          `sweep metric "${sweep.metric}" is not declared by model ${users.map((u) => `"${u.name}"`).join(', ')}${didYouMean(sweep.metric, metrics)}`,
          'undeclared-metric',
        );
      }
    }
  }
}
