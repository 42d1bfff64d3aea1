import { closeDataRepo, openDataRepo } from '../../data/index.ts';
import { ExitCode, SpecError } from '../../errors.ts';
import { formatLocation } from '../../diagnostic.ts';
import { gitState } from '../../git/info.ts';
import { changesSince } from '../../pipeline/changes-since.ts';
import { GpuClaims } from '../../pipeline/gpu/claims.ts';
import { nvidiaSmiRunner } from '../../pipeline/gpu/inventory.ts';
import { StageGraph, selectStages } from '../../pipeline/graph.ts';
import { dataStore } from '../../pipeline/run/data-store.ts';
import { RunDataChecks } from '../../pipeline/run/data-checks.ts';
import { lockFiles } from '../../pipeline/run/lock-store.ts';
import { readParamsFiles } from '../../pipeline/run/params-files.ts';
import { lockRepository } from '../../pipeline/run/repo-lock.ts';
import { pipelinesRun } from '../../pipeline/run/report.ts';
import { runStages, type RunOptions, type RunResult } from '../../pipeline/run/runner.ts';
import type { ExecuteStages } from '../../pipeline/run/sweep-run.ts';
import { nodeRepoReader } from '../../spec/node-reader.ts';
import { validateRepo } from '../../spec/validate.ts';
import type { Command, CommandContext } from '../command.ts';
import { cliRunLog, runMarkdown } from '../run-log.ts';

/** SIGINT/SIGTERM stop the run cleanly (children killed, outputs put back); a second SIGINT exits. */
function interruptOnSignals(controller: AbortController, ctx: CommandContext): () => void {
  let count = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    count++;
    if (count > 1 && signal === 'SIGINT') process.exit(130);
    ctx.io.stderr.write(
      `\n${ctx.style.yellow(signal)}: stopping the running stage and putting its outputs back...\n`,
    );
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

export const run: Command = {
  name: 'run',
  summary: 'run pipeline stages with cache and lock, on GPUs, with cost',
  usage:
    'gitops-ml run [pipeline...] [--stage s] [--downstream] [--force] [--dry-run] [--since ref] [--base ref] [--sweep] [--json]',
  options: {
    stage: { type: 'string' },
    downstream: { type: 'boolean' },
    force: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    since: { type: 'string' },
    base: { type: 'string' },
    sweep: { type: 'boolean' },
  },
  positionals: true,
  async run(args, ctx) {
    // The checkout as the run record describes it, read before any stage writes: git works on it
    // while the specs are checked (awaited below; failing early leaves no unhandled rejection).
    const gitAtStart = gitState(ctx.root);
    gitAtStart.catch(() => {});
    const validation = await validateRepo(nodeRepoReader(ctx.root));
    if (!validation.valid) {
      throw new SpecError(
        validation.diagnostics.filter((d) => d.severity === 'error'),
        { hint: 'run gitops-ml validate' },
      );
    }
    let names = args.positionals;
    if (typeof args.values.since === 'string') {
      const found = await changesSince(ctx.root, validation, args.values.since);
      names = found.affected
        .map((a) => a.pipeline)
        .filter((p) => names.length === 0 || names.includes(p));
      if (names.length === 0) {
        ctx.io.stderr.write(
          `${ctx.style.green('✓')} no pipeline is affected since ${args.values.since}\n`,
        );
        if (ctx.json)
          ctx.io.stdout.write(
            JSON.stringify({ status: 'succeeded', exitCode: 0, stages: [], records: [] }, null, 2) +
              '\n',
          );
        return { exitCode: ExitCode.ok, outputs: { status: 'succeeded' } };
      }
    }
    const pipelines = new Map(validation.pipelines.map((p) => [p.name, p]));
    const selection = {
      pipelines: names,
      stage: typeof args.values.stage === 'string' ? args.values.stage : undefined,
      downstream: args.values.downstream === true,
    };
    const stages = selectStages(
      new StageGraph(validation.pipelines),
      validation.pipelines,
      selection,
    );
    const dryRun = args.values['dry-run'] === true;
    const unlock = dryRun ? () => {} : lockRepository(ctx.root);
    const controller = new AbortController();
    const stopListening = interruptOnSignals(controller, ctx);
    const data = await openDataRepo(ctx.root);
    const checks = new RunDataChecks({
      root: ctx.root,
      cacheDir: data.config.cacheDir,
      // Validation code and DuckDB load with the first suite checked, never on a cached run.
      engine: async () =>
        (await import('../../validation/open-engine.ts')).openEngine(
          ctx.root,
          validation.repo.config?.data,
          ctx.io,
        ),
      onResult: async (result, pipeline) => {
        const { checkDiagnostic, renderValidationText } = await import('../../validation/text.ts');
        // The checks that did not pass, and drift only where found: the rest is in the report.
        // (`data validate` says when a CSV dialect was sniffed; a run does not repeat it.)
        const shown = {
          ...result,
          ...(result.source && { source: { ...result.source, sniffed: false } }),
          checks: result.checks.filter((c) => c.status !== 'pass'),
          ...(result.drift && {
            drift: { ...result.drift, columns: result.drift.columns.filter((c) => c.drifted) },
          }),
        };
        ctx.io.stderr.write(
          renderValidationText(
            [{ pipeline: result.pipeline, status: result.status, datasets: [shown] }],
            ctx.style,
            (d, c) => formatLocation(checkDiagnostic(pipeline.spec.source, d, c)),
          ),
        );
      },
    });
    const startedAt = new Date();
    const git = await gitAtStart;
    let result: RunResult;
    try {
      const params = await readParamsFiles(ctx.root, stages);
      const options: RunOptions = {
        root: ctx.root,
        config: validation.repo.config?.data,
        pipelines,
        store: dataStore(data),
        locks: lockFiles(ctx.root),
        gpu: {
          smi: nvidiaSmiRunner(ctx.io.env.GITOPS_ML_NVIDIA_SMI ?? 'nvidia-smi', { ...ctx.io.env }),
          claims: new GpuClaims(ctx.io.env.GITOPS_ML_GPU_CLAIMS),
        },
        smiProgram: ctx.io.env.GITOPS_ML_NVIDIA_SMI,
        smiEnv: { ...ctx.io.env },
        parentEnv: ctx.io.env,
        params,
        signal: controller.signal,
        log: cliRunLog(ctx.io, ctx.style, ctx.actions),
        samplerIntervalMs: Number(ctx.io.env.GITOPS_ML_GPU_SAMPLE_MS ?? 1000),
        runnerClass: ctx.io.env.GITOPS_ML_RUNNER_CLASS,
        force: args.values.force === true,
        dryRun,
        dataChecks: dryRun ? undefined : checks,
      };
      if (args.values.sweep === true) {
        const execute: ExecuteStages = (selected, inputs) =>
          runStages(selected, { ...options, ...inputs });
        const { store, signal } = options;
        // Loaded only for a sweep: it brings the report writers with it.
        const { sweepCommand } = await import('./run-sweep.ts');
        return await sweepCommand(
          {
            validation,
            selection,
            dryRun,
            execute,
            store,
            signal,
            git,
            dataChecks: () => checks.reports(),
            base: typeof args.values.base === 'string' ? args.values.base : undefined,
          },
          ctx,
        );
      }
      result = await runStages(stages, options);
    } finally {
      stopListening();
      await checks.close();
      await closeDataRepo(data);
      unlock();
    }
    // Records and reports only where a stage ran (their code loads only then).
    const records =
      pipelinesRun(result.stages).length === 0
        ? []
        : await (
            await import('./run-results.ts')
          ).writeRunResults(ctx, {
            result,
            pipelines,
            repo: validation.repo,
            validation: checks.reports(),
            startedAt,
            git,
            base: typeof args.values.base === 'string' ? args.values.base : undefined,
          });
    const s = ctx.style;
    const stagesOnly = result.stages.filter((r) => r.dataset === undefined);
    const ran = stagesOnly.filter((r) => r.action === 'ran').length;
    const skipped = stagesOnly.filter(
      (r) => r.action === 'skipped' || r.action === 'restored',
    ).length;
    const checked = result.stages.length - stagesOnly.length;
    const line =
      result.status === 'succeeded'
        ? `${s.green('✓')} ${ran} stage${ran === 1 ? '' : 's'} ran, ${skipped} up to date${checked ? `, ${checked} dataset${checked === 1 ? '' : 's'} checked` : ''}`
        : result.status === 'planned'
          ? `${result.stages.filter((r) => r.action === 'would-run').length} of ${result.stages.length} stages would run`
          : `${s.red('✗')} run ${result.status}`;
    ctx.io.stderr.write(
      `${line}${records.length ? s.dim(` (run record: ${records.join(', ')})`) : ''}\n`,
    );
    if (ctx.json) ctx.io.stdout.write(JSON.stringify({ ...result, records }, null, 2) + '\n');
    return {
      exitCode: result.exitCode,
      summary: `### Run: ${result.status}\n\n${runMarkdown(result.stages)}`,
      outputs: { status: result.status, 'run-records': JSON.stringify(records) },
    };
  },
};
