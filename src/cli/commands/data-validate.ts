import { loadDataConfig } from '../../data/config.ts';
import { formatLocation } from '../../diagnostic.ts';
import { ExitCode, SpecError, UsageError } from '../../errors.ts';
import { nodeRepoReader } from '../../spec/node-reader.ts';
import { didYouMean } from '../../spec/suggest.ts';
import { validateRepo } from '../../spec/validate.ts';
import { openEngine } from '../../validation/open-engine.ts';
import { renderValidationMarkdown } from '../../validation/markdown.ts';
import { checkDiagnostic, renderValidationText, resultDiagnostics } from '../../validation/text.ts';
import { exitCodeOf, pipelineTarget, validatePipeline } from '../../validation/validate.ts';
import type { Command } from '../command.ts';
import { engineFlags, engineOptions } from './engine-options.ts';
import { annotation } from '../render.ts';

/** `pipeline` or `pipeline:dataset`. */
function parseTarget(positionals: readonly string[]): { pipeline: string; dataset?: string } {
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length === 0
        ? 'data validate needs a pipeline'
        : `data validate takes one pipeline, got ${positionals.length}`,
      { hint: 'gitops-ml data validate <pipeline>[:<dataset>]' },
    );
  const [pipeline = '', dataset] = positionals[0]!.split(':', 2);
  return dataset === undefined || dataset === '' ? { pipeline } : { pipeline, dataset };
}

export const dataValidate: Command = {
  name: 'data validate',
  summary: "check a pipeline's datasets against its validation suites (DuckDB)",
  usage:
    'gitops-ml data validate <pipeline>[:<dataset>] [--json] [--threads n] [--memory-limit size] [--temp-dir dir] [-C dir]',
  options: engineOptions,
  positionals: true,
  async run(args, ctx) {
    const target = parseTarget(args.positionals);
    const repo = await validateRepo(nodeRepoReader(ctx.root));
    const names = repo.pipelines.map((p) => p.name);
    const resolved = repo.pipelines.find((p) => p.name === target.pipeline);
    if (!resolved) {
      throw new UsageError(
        `no pipeline "${target.pipeline}"${didYouMean(target.pipeline, names)}`,
        {
          hint: names.length ? `pipelines: ${names.join(', ')}` : 'add one under pipelines/',
        },
      );
    }
    // Only problems in this pipeline's spec (and the repo config it reads) stop its validation.
    const blocking = repo.diagnostics.filter(
      (d) =>
        d.severity === 'error' &&
        (d.file === resolved.spec.source.file || d.file === 'gitops-ml.yaml'),
    );
    if (blocking.length > 0)
      throw new SpecError(blocking, { hint: 'fix the spec, then validate the data again' });
    const suites = resolved.spec.data.validation ?? [];
    if (target.dataset !== undefined && !suites.some((s) => s.dataset === target.dataset)) {
      const withSuites = [...new Set(suites.map((s) => s.dataset))];
      throw new UsageError(
        `pipeline "${target.pipeline}" has no validation suite for dataset "${target.dataset}"${didYouMean(target.dataset, withSuites)}`,
        {
          hint: withSuites.length
            ? `datasets with suites: ${withSuites.join(', ')}`
            : 'add one under `validation:`',
        },
      );
    }
    const engine = await openEngine(ctx.root, repo.repo.config?.data, ctx.io, engineFlags(args));
    let report;
    try {
      report = await validatePipeline(
        { engine, root: ctx.root, cacheDir: (await loadDataConfig(ctx.root)).cacheDir },
        pipelineTarget(resolved),
        target.dataset,
      );
    } finally {
      engine.close();
    }
    const source = resolved.spec.source;
    if (ctx.json) ctx.io.stdout.write(JSON.stringify(report, null, 2) + '\n');
    else
      ctx.io.stderr.write(
        renderValidationText([report], ctx.style, (d, c) =>
          formatLocation(checkDiagnostic(source, d, c)),
        ),
      );
    if (ctx.actions) {
      const workspace = ctx.io.env.GITHUB_WORKSPACE ?? ctx.io.cwd;
      const out = ctx.json ? ctx.io.stderr : ctx.io.stdout;
      for (const d of resultDiagnostics(source, [report]))
        out.write(annotation(d, ctx.root, workspace, 'gitops-ml data validate') + '\n');
    }
    const exitCode = exitCodeOf(report.datasets);
    return {
      exitCode:
        exitCode === 0
          ? ExitCode.ok
          : exitCode === 1
            ? ExitCode.checksFailed
            : exitCode === 2
              ? ExitCode.badInput
              : ExitCode.infrastructure,
      summary: renderValidationMarkdown(report),
      outputs: {
        status: report.status,
        failed: String(report.datasets.reduce((n, d) => n + d.counts.fail, 0)),
        warnings: String(report.datasets.reduce((n, d) => n + d.counts.warn, 0)),
      },
    };
  },
};
