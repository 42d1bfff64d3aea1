import { ExitCode, UsageError } from '../../errors.ts';
import type { Kind } from '../../metrics/collect.ts';
import { diffRevisions, WORKSPACE } from '../../metrics/revisions.ts';
import { diffTable, pythonJson, renderTable } from '../../metrics/table.ts';
import type { Parsed } from '../args.ts';
import type { Command, CommandContext, CommandOutcome } from '../command.ts';

const DEFAULT_PRECISION = 5;

async function runDiff(kind: Kind, args: Parsed, ctx: CommandContext): Promise<CommandOutcome> {
  const [a = 'HEAD', b = WORKSPACE, ...extra] = args.positionals;
  if (extra.length > 0)
    throw new UsageError(
      `${kind} diff takes at most two revisions, got ${args.positionals.length}`,
    );
  const precision =
    args.values.precision === undefined ? DEFAULT_PRECISION : Number(args.values.precision);
  if (!Number.isInteger(precision) || precision < 0) {
    throw new UsageError(
      `--precision needs a whole number, got "${String(args.values.precision)}"`,
    );
  }
  const targets = (args.values.targets as string[] | undefined) ?? [];
  const result = await diffRevisions(ctx.root, kind, a, b, {
    all: args.values.all === true,
    targets,
    depsOnly: args.values.deps === true,
  });
  for (const s of result.skipped) {
    ctx.io.stderr.write(
      `${ctx.style.yellow('warning')}: at ${s.rev}, ${s.files.join(', ')} did not load; what they declare is not compared (run gitops-ml validate)\n`,
    );
  }
  const table = diffTable(result.diff, {
    title: kind === 'metrics' ? 'Metric' : 'Param',
    aRev: a,
    bRev: b,
    noPath: args.values['no-path'] === true,
    showChanges: kind === 'metrics',
    precision: kind === 'metrics' ? precision : undefined,
  });
  const markdown = renderTable(table, true);
  if (ctx.json) ctx.io.stdout.write(pythonJson(result.diff, 2) + '\n');
  else if (args.values.md === true) ctx.io.stdout.write(markdown);
  else ctx.io.stderr.write(renderTable(table, false));
  return { exitCode: ExitCode.ok, summary: markdown };
}

const shared = {
  all: { type: 'boolean' },
  md: { type: 'boolean' },
  'no-path': { type: 'boolean' },
  targets: { type: 'string', multiple: true },
} as const;

export const metricsDiff: Command = {
  name: 'metrics diff',
  summary: 'compare metrics between two revisions (DVC semantics)',
  usage:
    'gitops-ml metrics diff [a_rev=HEAD] [b_rev=workspace] [--all] [--md|--json] [--no-path] [--precision N] [--targets path]...',
  options: { ...shared, precision: { type: 'string' } },
  positionals: true,
  run: (args, ctx) => runDiff('metrics', args, ctx),
};

export const paramsDiff: Command = {
  name: 'params diff',
  summary: 'compare params between two revisions (DVC semantics)',
  usage:
    'gitops-ml params diff [a_rev=HEAD] [b_rev=workspace] [--all] [--deps] [--md|--json] [--no-path] [--targets path]...',
  options: { ...shared, deps: { type: 'boolean' } },
  positionals: true,
  run: (args, ctx) => runDiff('params', args, ctx),
};
