import { createHash } from 'node:crypto';
import { cpus, hostname, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../../data/atomic.ts';
import type { ResolvedPipeline } from '../../spec/expand.ts';
import type { RunsOn } from '../../spec/schema/common.ts';
import type { RepoConfig } from '../../spec/schema/repo-config.ts';
import { version } from '../../version.ts';
import { sumCosts, type Cost } from '../cost.ts';
import { pipelineRoute } from '../routing.ts';
import type { LockedPath, LockedStage } from '../status.ts';
import type { CheckStatus, DatasetStatus, ValidationReport } from '../../validation/results.ts';
import type { RunStatus, StageReport } from './report.ts';

/** Lineage of one pipeline run: enough to say what produced a model and to recompute its cost. */
export interface RunRecord {
  schema: 'gitops-ml/run/1';
  id: string;
  pipeline: string;
  status: RunStatus;
  startedAt: string;
  finishedAt: string;
  seconds: number;
  git: { commit: string | null; branch: string | null; dirty: boolean };
  spec: { file: string; sha256: string };
  params: Record<string, Record<string, unknown>>;
  data: { deps: LockedPath[]; outs: LockedPath[] };
  tools: {
    gitopsMl: string;
    node: string;
    git: string | null;
    nvidiaDriver: string | null;
    os: string;
    arch: string;
  };
  runner: {
    name: string;
    class: string | null;
    labels: RunsOn | null;
    cpus: number;
    memoryBytes: number;
  };
  gpus: { uuid: string; name: string }[];
  stages: StageReport[];
  /** Each dataset checked in the run: its verdict and counts (details in the PR report). */
  validation: {
    dataset: string;
    status: DatasetStatus;
    rows: number | null;
    counts: Record<CheckStatus, number>;
  }[];
  cost: Cost;
}

export interface RunFacts {
  id: string;
  startedAt: Date;
  finishedAt: Date;
  git: RunRecord['git'];
  gitVersion: string | null;
  nvidiaDriver: string | null;
  runnerClass?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  validation?: ValidationReport | undefined;
}

/**
 * Where a pipeline's run record is committed: next to its (first) metrics file, or in `runs/` when
 * that file sits at the repository root (or there is none).
 */
export function recordPathFor(pipeline: ResolvedPipeline): string {
  const metrics = pipeline.stages.flatMap((s) => s.outs.filter((o) => o.kind === 'metric'))[0];
  const dir = metrics ? dirname(metrics.path) : '.';
  return join(dir === '.' ? 'runs' : dir, `${pipeline.name}.run.json`);
}

/** Build the record of a pipeline's part in a run from its stage reports and lock entries. */
export function buildRunRecord(
  pipeline: ResolvedPipeline,
  status: RunStatus,
  stages: readonly StageReport[],
  locks: ReadonlyMap<string, LockedStage>,
  facts: RunFacts,
  config: RepoConfig | undefined,
): RunRecord {
  const mine = stages.filter((s) => s.pipeline === pipeline.name);
  const entries = pipeline.stages
    .map((s) => locks.get(s.name))
    .filter((l): l is LockedStage => l !== undefined);
  const unique = (paths: LockedPath[]) =>
    [...new Map(paths.map((p) => [p.path, p])).values()].sort((a, b) => (a.path < b.path ? -1 : 1));
  const params: Record<string, Record<string, unknown>> = {};
  for (const e of entries)
    for (const [file, values] of Object.entries(e.params ?? {}))
      Object.assign((params[file] ??= {}), values);
  const route = pipelineRoute(pipeline, config);
  const runnerClass = facts.runnerClass ?? route.runner;
  return {
    schema: 'gitops-ml/run/1',
    id: facts.id,
    pipeline: pipeline.name,
    status,
    startedAt: facts.startedAt.toISOString(),
    finishedAt: facts.finishedAt.toISOString(),
    seconds: Math.round((facts.finishedAt.getTime() - facts.startedAt.getTime()) / 10) / 100,
    git: facts.git,
    spec: {
      file: pipeline.spec.source.file,
      sha256: createHash('sha256').update(pipeline.spec.source.text).digest('hex'),
    },
    params,
    data: {
      deps: unique(entries.flatMap((e) => e.deps ?? [])),
      outs: unique(entries.flatMap((e) => e.outs ?? [])),
    },
    tools: {
      gitopsMl: version,
      node: process.version,
      git: facts.gitVersion,
      nvidiaDriver: facts.nvidiaDriver ?? mine.find((s) => s.nvidiaDriver)?.nvidiaDriver ?? null,
      os: process.platform,
      arch: process.arch,
    },
    runner: {
      name: facts.env.RUNNER_NAME ?? hostname(),
      class: runnerClass,
      labels: runnerClass === null ? null : (config?.runners?.[runnerClass]?.['runs-on'] ?? null),
      cpus: cpus().length,
      memoryBytes: totalmem(),
    },
    gpus: [...new Map(mine.flatMap((s) => s.gpus).map((g) => [g.uuid, g])).values()],
    stages: mine,
    validation: (facts.validation?.datasets ?? []).map((d) => ({
      dataset: d.dataset,
      status: d.status,
      rows: d.source?.rows ?? null,
      counts: d.counts,
    })),
    cost: sumCosts(
      mine.map((s) => s.cost),
      config?.currency ?? 'USD',
    ),
  };
}

export async function writeRunRecord(root: string, path: string, record: RunRecord): Promise<void> {
  await writeFileAtomic(join(root, path), JSON.stringify(record, null, 2) + '\n');
}
