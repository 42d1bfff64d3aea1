import { ExitCode } from '../../errors.ts';
import type { PathStatus } from '../../data/status.ts';
import { statusOf } from '../../data/status.ts';
import type { Command, CommandContext } from '../command.ts';
import {
  byRemote,
  jobsOption,
  perRemote,
  printJson,
  remoteOption,
  trackedFor,
  withDataRepo,
} from './data-shared.ts';

function printHuman(ctx: CommandContext, statuses: readonly PathStatus[], remotes: string[]): void {
  const { io, style: s } = ctx;
  const dirty = statuses.filter((p) => p.states[0] !== 'unchanged');
  if (statuses.length === 0) {
    io.stderr.write('No data is tracked: `gitops-ml data add <path>` starts tracking.\n');
    return;
  }
  for (const p of dirty) {
    for (const state of p.states) {
      const label = `${state}:`.padEnd(22);
      io.stderr.write(
        `  ${state === 'modified' ? s.yellow(label) : s.red(label)} ${p.path} ${s.dim(`(${p.source})`)}\n`,
      );
    }
  }
  const where = remotes.length > 0 ? `, cache and remote ${remotes.join(', ')}` : ' and cache';
  if (dirty.length === 0)
    io.stderr.write(
      `${s.green('✓')} ${statuses.length} tracked path(s) up to date in workspace${where}\n`,
    );
}

export const dataStatus: Command = {
  name: 'data status',
  summary: 'per tracked path: unchanged, modified, missing from workspace, cache or remote',
  usage: 'gitops-ml data status [path...] [-c | -r remote] [-j jobs] [--json]',
  options: { ...remoteOption, ...jobsOption, cloud: { type: 'boolean', short: 'c' } },
  positionals: true,
  async run(args, ctx) {
    const withRemote = args.values.cloud === true || typeof args.values.remote === 'string';
    const { statuses, remotes } = await withDataRepo(ctx, async (repo) => {
      const tracked = await trackedFor(repo, ctx, args);
      if (!withRemote) return { statuses: await statusOf(repo, tracked), remotes: [] as string[] };
      // Each remote's outputs against it (its jobs as push and pull use them), then the rest.
      const groups = byRemote(repo, tracked, args);
      const checked = await perRemote(repo, ctx, args, tracked, 'checking', (group, store, o) =>
        statusOf(repo, group, { remote: store, ...(o.jobs === undefined ? {} : { jobs: o.jobs }) }),
      );
      const covered = new Set([...groups.values()].flat());
      const rest = await statusOf(
        repo,
        tracked.filter((t) => !covered.has(t)),
      );
      return {
        statuses: [...checked.flatMap((c) => c.result), ...rest],
        remotes: checked.map((c) => c.remote),
      };
    });
    const clean = statuses.every((p) => p.states[0] === 'unchanged');
    if (ctx.json) printJson(ctx, { clean, remotes, paths: statuses });
    else printHuman(ctx, statuses, remotes);
    const lines = statuses
      .filter((p) => p.states[0] !== 'unchanged')
      .map((p) => `| \`${p.path}\` | ${p.states.join(', ')} |`);
    return {
      exitCode: ExitCode.ok,
      summary: clean
        ? '### ✅ Data up to date\n'
        : `### Data status\n\n| Path | Status |\n|---|---|\n${lines.join('\n')}\n`,
      outputs: { clean: String(clean) },
    };
  },
};
