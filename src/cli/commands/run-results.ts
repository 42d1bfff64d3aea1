// What a run leaves behind for each pipeline it touched: the run record (lineage, committed next
// to the metrics) and the PR report model that `gitops-ml report` publishes.

import { randomUUID } from 'node:crypto';
import { gitVersion, type GitState } from '../../git/info.ts';
import { lockFiles } from '../../pipeline/run/lock-store.ts';
import { buildRunRecord, recordPathFor, writeRunRecord } from '../../pipeline/run/record.ts';
import { writeRunReport } from '../../pipeline/run/report-inputs.ts';
import { pipelinesRun } from '../../pipeline/run/report.ts';
import type { RunResult } from '../../pipeline/run/runner.ts';
import type { ResolvedPipeline } from '../../spec/expand.ts';
import type { LoadedRepo } from '../../spec/repo.ts';
import type { ValidationReport } from '../../validation/results.ts';
import type { CommandContext } from '../command.ts';

export interface RunResultsInput {
  result: RunResult;
  pipelines: ReadonlyMap<string, ResolvedPipeline>;
  repo: LoadedRepo;
  validation: readonly ValidationReport[];
  startedAt: Date;
  git: GitState;
  base: string | undefined;
}

/** Write the run record and the report model of every pipeline a stage ran (or failed) in. */
export async function writeRunResults(
  ctx: CommandContext,
  input: RunResultsInput,
): Promise<string[]> {
  const { result } = input;
  const touched = pipelinesRun(result.stages);
  if (touched.length === 0) return [];
  const locks = lockFiles(ctx.root);
  const version = await gitVersion(ctx.root);
  const finishedAt = new Date();
  const config = input.repo.config?.data;
  const records: string[] = [];
  for (const name of touched) {
    const pipeline = input.pipelines.get(name);
    if (!pipeline) continue;
    const validation = input.validation.find((v) => v.pipeline === name);
    const record = buildRunRecord(
      pipeline,
      result.status,
      result.stages,
      await locks.read(pipeline.spec.source.file),
      {
        id: randomUUID(),
        startedAt: input.startedAt,
        finishedAt,
        git: input.git,
        gitVersion: version,
        nvidiaDriver: null,
        runnerClass: ctx.io.env.GITOPS_ML_RUNNER_CLASS,
        env: ctx.io.env,
        validation,
      },
      config,
    );
    const path = recordPathFor(pipeline);
    await writeRunRecord(ctx.root, path, record);
    records.push(path);
    await writeRunReport({
      root: ctx.root,
      repo: input.repo,
      pipeline,
      record,
      recordPath: path,
      validation,
      base: input.base,
      env: ctx.io.env,
      note: (message) => ctx.io.stderr.write(`${ctx.style.dim('note:')} ${message}\n`),
    });
  }
  return records;
}
