import { UsageError } from '../../errors.ts';
import { didYouMean } from '../../spec/suggest.ts';
import type { Command } from '../command.ts';

interface Entry {
  summary: string;
  load: () => Promise<Command>;
}

/** Every command, loaded on first use so `--version` and `--help` start fast. */
export const commands: Record<string, Entry> = {
  validate: {
    summary: 'check specs: schema, cross-references, cycles',
    load: async () => (await import('./validate.ts')).validate,
  },
  run: {
    summary: 'run pipeline stages with cache and lock, on GPUs, with cost',
    load: async () => (await import('./run.ts')).run,
  },
  plan: {
    summary: 'pipelines affected by changes since a ref, as an Actions matrix',
    load: async () => (await import('./plan.ts')).plan,
  },
  'metrics diff': {
    summary: 'compare metrics between two revisions (DVC semantics)',
    load: async () => (await import('./diff.ts')).metricsDiff,
  },
  'params diff': {
    summary: 'compare params between two revisions (DVC semantics)',
    load: async () => (await import('./diff.ts')).paramsDiff,
  },
  'data hash': {
    summary: 'DVC-3 hash of files or directories: <md5> or <md5>.dir',
    load: async () => (await import('./data-hash.ts')).dataHash,
  },
  'data add': {
    summary: 'track data as DVC does: cache it, write <path>.dvc, .gitignore it',
    load: async () => (await import('./data-add.ts')).dataAdd,
  },
  'data status': {
    summary: 'tracked data: unchanged, modified, missing from workspace, cache or remote',
    load: async () => (await import('./data-status.ts')).dataStatus,
  },
  'data push': {
    summary: 'upload cached data to a remote (only what it lacks)',
    load: async () => (await import('./data-push.ts')).dataPush,
  },
  'data pull': {
    summary: 'download data from a remote and check it out',
    load: async () => (await import('./data-pull.ts')).dataPull,
  },
  'data checkout': {
    summary: 'put the recorded version of tracked data into the workspace',
    load: async () => (await import('./data-checkout.ts')).dataCheckout,
  },
  'data validate': {
    summary: "check a pipeline's datasets against its validation suites (DuckDB)",
    load: async () => (await import('./data-validate.ts')).dataValidate,
  },
  'data profile': {
    summary:
      'profile a data file: types, nulls, ranges, quantiles, top values (--suggest: a suite)',
    load: async () => (await import('./data-profile.ts')).dataProfile,
  },
  report: {
    summary: 'post the PR report: one sticky comment, a check run, the job summary, commit-back',
    load: async () => (await import('./report.ts')).report,
  },
};

/** Find the command: one word (`validate`) or a group and a subcommand (`data hash`). */
export function resolveCommand(
  commands: Readonly<Record<string, unknown>>,
  name: string,
  rest: readonly string[],
): { commandName: string; args: string[] } {
  const sub = rest[0];
  if (sub !== undefined && Object.hasOwn(commands, `${name} ${sub}`)) {
    return { commandName: `${name} ${sub}`, args: rest.slice(1) };
  }
  if (Object.hasOwn(commands, name)) return { commandName: name, args: [...rest] };
  const group = Object.keys(commands)
    .filter((c) => c.startsWith(`${name} `))
    .map((c) => c.slice(name.length + 1));
  if (group.length > 0) {
    const what =
      sub === undefined || sub.startsWith('-')
        ? `"${name}" needs a subcommand`
        : `unknown command "${name} ${sub}"`;
    throw new UsageError(`${what}${sub === undefined ? '' : didYouMean(sub, group)}`, {
      hint: `one of: ${group.map((g) => `${name} ${g}`).join(', ')}`,
    });
  }
  throw new UsageError(`unknown command "${name}"${didYouMean(name, Object.keys(commands))}`, {
    hint: 'run "gitops-ml --help" for the list of commands',
  });
}
