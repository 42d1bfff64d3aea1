// The I/O side of the PR report a run leaves behind: read metrics in the workspace, at the base
// revision and at the commit running in production; diff params against the base; draw plots to
// SVG files; then write `.gitops-ml/report/<pipeline>.json` for `gitops-ml report`.

import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { writeFileAtomic } from '../../data/atomic.ts';
import { commitOf } from '../../git/revision.ts';
import { BlobReader } from '../../git/cat-file.ts';
import { writeReportModel } from '../../github/report/store.ts';
import { diffSnapshots, type DiffResult, type Snapshot } from '../../metrics/diff.ts';
import type { Chart } from '../../github/report/model.ts';
import { renderPlot, svgPathFor, type Chart as PlotChart } from '../../metrics/plots/index.ts';
import { fileState } from '../../metrics/read.ts';
import type { ResolvedPipeline } from '../../spec/expand.ts';
import type { LoadedRepo } from '../../spec/repo.ts';
import type { Model } from '../../spec/schema/model.ts';
import type { ValidationReport } from '../../validation/results.ts';
import { resultDiagnostics } from '../../validation/text.ts';
import { lockPathFor } from './lockfiles.ts';
import type { RunRecord } from './record.ts';
import { modelCardPath, renderModelCard } from '../../registry/card.ts';
import { buildReportModel, modelCardInput, type ReportInputs } from './report-model.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface RunReportOptions {
  root: string;
  repo: LoadedRepo;
  pipeline: ResolvedPipeline;
  record: RunRecord;
  /** Where the run record was written (repository-relative). */
  recordPath: string;
  validation?: ValidationReport | undefined;
  /** Compare with this revision; default: the PR base in Actions (origin/<base>), else HEAD. */
  base?: string | undefined;
  /** More files to commit back (a sweep's leaderboard and trial records). */
  files?: readonly string[];
  /** More charts for the report (a sweep's metric by trial). */
  charts?: readonly Chart[];
  env: Env;
  note: (message: string) => void;
}

async function readText(root: string, path: string): Promise<string | undefined> {
  try {
    return await readFile(join(root, path), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function snapshotOf(
  paths: readonly string[],
  read: (path: string) => Promise<string | undefined>,
): Promise<Snapshot> {
  const snapshot: Snapshot = {};
  for (const path of paths) {
    const text = await read(path);
    if (text !== undefined) snapshot[path] = fileState(path, text);
  }
  return snapshot;
}

/** Files at a commit, read through one `git cat-file --batch`. */
async function snapshotAt(root: string, sha: string, paths: readonly string[]): Promise<Snapshot> {
  const blobs = new BlobReader(root);
  try {
    return await snapshotOf(paths, async (p) =>
      (await blobs.read(`${sha}:./${posix.normalize(p)}`))?.toString('utf8'),
    );
  } finally {
    blobs.close();
  }
}

/** The base to compare with, and what to call it in the report. */
export function baseRevision(
  option: string | undefined,
  env: Env,
): { rev: string; label: string }[] {
  if (option !== undefined) return [{ rev: option, label: option }];
  const base = env.GITHUB_BASE_REF;
  if (base) return [`origin/${base}`, base].map((rev) => ({ rev, label: base }));
  return [{ rev: 'HEAD', label: 'HEAD' }];
}

/** The model this pipeline trains, and the environment it is compared with. */
function modelOf(repo: LoadedRepo, pipeline: string): { name: string; spec: Model } | undefined {
  const file = repo.models.find((m) => m.data.pipeline === pipeline);
  return file ? { name: file.data.name, spec: file.data } : undefined;
}

/** "production" when the model has it, else its last environment. */
export function comparedEnvironment(model: Model): string | undefined {
  const names = Object.keys(model.environments ?? {});
  return names.includes('production') ? 'production' : names.at(-1);
}

/** Keep the params this pipeline's stages depend on. */
function pipelineParams(diff: DiffResult, pipeline: ResolvedPipeline): DiffResult {
  const refs = pipeline.stages.flatMap((s) => s.params);
  const out: DiffResult = {};
  for (const [file, changes] of Object.entries(diff)) {
    const keys = refs.filter((r) => r.file === file).map((r) => r.key);
    for (const [name, change] of Object.entries(changes))
      if (keys.some((k) => name === k || name.startsWith(`${k}.`)))
        (out[file] ??= {})[name] = change;
  }
  return out;
}

async function drawPlots(root: string, pipeline: ResolvedPipeline, note: (m: string) => void) {
  const plots: { path: string; svg: string; chart: PlotChart }[] = [];
  for (const out of pipeline.stages.flatMap((s) => s.outs.filter((o) => o.kind === 'plot'))) {
    const text = await readText(root, out.path);
    if (text === undefined) continue;
    const options = out.options as Record<string, string | string[] | undefined>;
    try {
      const drawn = renderPlot(
        {
          path: out.path,
          template: options.template as string | undefined,
          x: options.x as string | undefined,
          y: options.y,
          title: (options.title as string | undefined) ?? out.path,
          x_label: options.x_label as string | undefined,
          y_label: options.y_label as string | undefined,
        },
        text,
      );
      const svg = svgPathFor(out.path);
      await writeFileAtomic(join(root, svg), drawn.svg);
      plots.push({ path: out.path, svg, chart: drawn.chart });
    } catch (error) {
      note(`plot ${out.path} not drawn: ${(error as Error).message}`);
    }
  }
  return plots;
}

/** Write the model card next to the artifact; its path, or undefined when there is no card. */
async function writeModelCard(
  root: string,
  model: Model | undefined,
  inputs: ReportInputs,
): Promise<string | undefined> {
  const card = modelCardInput(inputs);
  if (!model || !card) return undefined;
  // A directory artifact has a `.dir` hash in the lock; its card goes beside it.
  const locked = inputs.record.data.outs.find((o) => o.path === model.artifact.replace(/\/+$/, ''));
  const directory = locked?.md5?.endsWith('.dir');
  const path = modelCardPath(model, directory === undefined ? {} : { directory });
  await writeFileAtomic(join(root, path), renderModelCard(card));
  return path;
}

/**
 * Write the report model of a pipeline's run, for `gitops-ml report`. Comparisons that cannot be
 * made (no base commit in a shallow clone, nothing deployed) are left out with a note.
 */
export async function writeRunReport(options: RunReportOptions): Promise<string> {
  const { root, repo, pipeline, record, note } = options;
  const model = modelOf(repo, pipeline.name);
  const metricPaths = [
    ...new Set([
      ...pipeline.stages.flatMap((s) =>
        s.outs.filter((o) => o.kind === 'metric').map((o) => o.path),
      ),
      ...(model?.spec.metrics.file ? [model.spec.metrics.file] : []),
    ]),
  ].sort();
  const metrics = await snapshotOf(metricPaths, (p) => readText(root, p));

  let base: { ref: string; metrics: Snapshot; params: DiffResult } | undefined;
  const candidates = baseRevision(options.base, options.env);
  let found: { sha: string; label: string } | undefined;
  for (const c of candidates) {
    const sha = await commitOf(root, c.rev);
    if (sha) {
      found = { sha, label: c.label };
      break;
    }
  }
  if (found) {
    // Params as `params diff` compares them, kept to the keys this pipeline's stages read.
    const paramPaths = [...new Set(pipeline.stages.flatMap((s) => s.params.map((p) => p.file)))];
    const [atBase, paramsNow] = await Promise.all([
      snapshotAt(root, found.sha, [...metricPaths, ...paramPaths]),
      snapshotOf(paramPaths, (p) => readText(root, p)),
    ]);
    const only = (paths: readonly string[]) =>
      Object.fromEntries(Object.entries(atBase).filter(([p]) => paths.includes(p)));
    base = {
      ref: found.label,
      metrics: only(metricPaths),
      params: pipelineParams(diffSnapshots(only(paramPaths), paramsNow), pipeline),
    };
  } else {
    note(
      `no commit for the base ${candidates[0]!.label}: the report does not compare with it (fetch it, e.g. actions/checkout with fetch-depth: 0)`,
    );
  }

  let production: { environment: string; version: string; metrics: Snapshot } | undefined;
  const environment = model && comparedEnvironment(model.spec);
  const deployed =
    environment === undefined
      ? undefined
      : repo.deployments.find((d) => d.name === environment)?.data.models?.[model!.name];
  if (environment && deployed) {
    const sha = await commitOf(root, deployed.commit);
    if (sha)
      production = {
        environment,
        version: deployed.version,
        metrics: await snapshotAt(root, sha, metricPaths),
      };
    else
      note(
        `commit ${deployed.commit.slice(0, 7)} of ${model.name} ${deployed.version} in ${environment} is not in this clone: not compared`,
      );
  }

  const plots = await drawPlots(root, pipeline, note);
  const inputs: ReportInputs = {
    record,
    model,
    metrics,
    base,
    production,
    validation: options.validation,
    plots,
    ...(options.charts && { charts: options.charts }),
    files: [],
  };
  const card = await writeModelCard(root, model?.spec, inputs);
  const source = pipeline.spec.source;
  const diagnostics = options.validation ? resultDiagnostics(source, [options.validation]) : [];
  const env = options.env;
  const runUrl =
    env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined;
  const files = [
    ...Object.keys(metrics),
    lockPathFor(pipeline.spec.source.file),
    options.recordPath,
    ...plots.map((p) => p.svg),
    ...(card ? [card] : []),
    ...(options.files ?? []),
  ];
  return writeReportModel(root, buildReportModel({ ...inputs, diagnostics, files, runUrl }));
}
