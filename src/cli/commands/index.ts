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
